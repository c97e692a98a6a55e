// joni-check runs regular expressions in Joni, the Java port of Oniguruma that JRuby's Regexp is built on,
// the way Logstash's grok filter runs them: jls-grok compiles each expanded pattern with
// Regexp.new(pattern, Regexp::MULTILINE), i.e. Joni's Ruby syntax and Option.MULTILINE, and an ASCII-only
// pattern matched against a UTF-8 string is compiled for UTF-8 (as JRuby does); a match is an unanchored
// search from the start of the string, interruptible, as grok's timeout (timeout_millis) interrupts it.
//
// One JVM run takes every pattern and every line (JVM start-up is the slow part), and runs each pattern on
// each line:
// stdin:  {"patterns": {"<name>": "<regex>"}, "lines": ["<text>", ...],
//          "timeoutMillis": <per-match limit, as grok's timeout_millis; default 30000, grok's default>}
// stdout: {"engine": {"joni": "<version>", "jcodings": "<version>"}, "compileErrors": {"<name>": "<error>"},
//          "results": {"<name>": [{"<group>": "<value>"} or null, one per line]},
//          "timedOut": [{"pattern": "<name>", "line": <index>}, ...],
//          "matches": <n>, "slowestMatch": {"pattern": "<name>", "line": <index>, "millis": <n>},
//          "totalMatchMillis": <n>}
// A group that did not take part in the match is absent (as in JavaScript's match.groups and regex-check);
// a timed-out match is null in results and listed in timedOut.
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jcodings.specific.UTF8Encoding;
import org.joni.Matcher;
import org.joni.NameEntry;
import org.joni.Option;
import org.joni.Regex;
import org.joni.Region;
import org.joni.Syntax;
import org.joni.exception.JOniException;

public final class JoniCheck {
  private static final class Input {
    final Map<String, String> patterns = new LinkedHashMap<>();
    final List<String> lines = new ArrayList<>();
    long timeoutMillis = 30_000; // grok's default timeout_millis
  }

  public static void main(String[] args) throws Exception {
    JsonFactory json = new JsonFactory();
    Input in;
    try (JsonParser p = json.createParser(System.in)) {
      in = readInput(p);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("joni-check: bad input: " + e.getMessage());
      System.exit(2);
      return;
    }

    Map<String, String> compileErrors = new TreeMap<>();
    Map<String, Regex> compiled = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : in.patterns.entrySet()) {
      byte[] pattern = e.getValue().getBytes(StandardCharsets.UTF_8);
      try {
        compiled.put(e.getKey(), new Regex(pattern, 0, pattern.length, Option.MULTILINE, UTF8Encoding.INSTANCE, Syntax.RUBY));
      } catch (JOniException ex) {
        compileErrors.put(e.getKey(), ex.getMessage());
      }
    }

    // grok's timeout enforcer interrupts the matching thread; searchInterruptible then gives up.
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "joni-check-watchdog");
      t.setDaemon(true);
      return t;
    });
    Thread self = Thread.currentThread();
    // The match running now, so that a late alarm never interrupts the next one.
    final Object lock = new Object();
    final long[] running = {-1};
    long matchId = 0;
    Map<String, List<Map<String, String>>> results = new LinkedHashMap<>();
    List<Object[]> timedOut = new ArrayList<>();
    long totalNanos = 0, slowestNanos = -1;
    String slowestPattern = null;
    int slowestLine = -1;
    List<byte[]> lines = new ArrayList<>(in.lines.size());
    for (String line : in.lines) lines.add(line.getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, Regex> p : compiled.entrySet()) {
      List<Map<String, String>> perLine = new ArrayList<>(lines.size());
      results.put(p.getKey(), perLine);
      for (int i = 0; i < lines.size(); i++) {
        byte[] text = lines.get(i);
        Matcher m = p.getValue().matcher(text, 0, text.length);
        final long id = matchId++;
        synchronized (lock) {
          running[0] = id;
        }
        ScheduledFuture<?> alarm = watchdog.schedule(() -> {
          synchronized (lock) {
            if (running[0] == id) self.interrupt();
          }
        }, in.timeoutMillis, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        int at;
        try {
          at = m.searchInterruptible(0, text.length, Option.NONE);
        } catch (InterruptedException ex) {
          at = Matcher.INTERRUPTED;
        } finally {
          alarm.cancel(false);
          synchronized (lock) {
            running[0] = -1;
            Thread.interrupted(); // clear an interrupt that fired as the match ended
          }
        }
        long took = System.nanoTime() - start;
        totalNanos += took;
        if (took > slowestNanos) {
          slowestNanos = took;
          slowestPattern = p.getKey();
          slowestLine = i;
        }
        if (at == Matcher.INTERRUPTED) {
          timedOut.add(new Object[] {p.getKey(), i});
          perLine.add(null);
        } else if (at == Matcher.FAILED) {
          perLine.add(null);
        } else {
          perLine.add(captures(p.getValue(), m.getEagerRegion(), text));
        }
      }
    }
    watchdog.shutdownNow();

    try (JsonGenerator g = json.createGenerator(System.out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("engine");
      g.writeStringField("joni", version("org.jruby.joni", "joni"));
      g.writeStringField("jcodings", version("org.jruby.jcodings", "jcodings"));
      g.writeEndObject();
      g.writeObjectFieldStart("compileErrors");
      for (Map.Entry<String, String> e : compileErrors.entrySet()) g.writeStringField(e.getKey(), e.getValue());
      g.writeEndObject();
      g.writeObjectFieldStart("results");
      for (Map.Entry<String, List<Map<String, String>>> p : results.entrySet()) {
        g.writeArrayFieldStart(p.getKey());
        for (Map<String, String> r : p.getValue()) {
          if (r == null) {
            g.writeNull();
            continue;
          }
          g.writeStartObject();
          for (Map.Entry<String, String> e : r.entrySet()) g.writeStringField(e.getKey(), e.getValue());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeArrayFieldStart("timedOut");
      for (Object[] t : timedOut) {
        g.writeStartObject();
        g.writeStringField("pattern", (String) t[0]);
        g.writeNumberField("line", (Integer) t[1]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("matches", matchId);
      g.writeObjectFieldStart("slowestMatch");
      g.writeStringField("pattern", slowestPattern);
      g.writeNumberField("line", slowestLine);
      g.writeNumberField("millis", slowestNanos / 1e6);
      g.writeEndObject();
      g.writeNumberField("totalMatchMillis", totalNanos / 1e6);
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  /** Named captures by name; for a name given to several groups, the last that took part (as Ruby's MatchData#[]). */
  private static Map<String, String> captures(Regex re, Region region, byte[] text) {
    Map<String, String> groups = new TreeMap<>();
    if (region == null || re.numberOfNames() == 0) return groups;
    for (Iterator<NameEntry> it = re.namedBackrefIterator(); it.hasNext(); ) {
      NameEntry e = it.next();
      String name = new String(e.name, e.nameP, e.nameEnd - e.nameP, StandardCharsets.UTF_8);
      int[] refs = e.getBackRefs();
      for (int k = refs.length - 1; k >= 0; k--) {
        int beg = region.getBeg(refs[k]);
        if (beg < 0) continue;
        groups.put(name, new String(text, beg, region.getEnd(refs[k]) - beg, StandardCharsets.UTF_8));
        break;
      }
    }
    return groups;
  }

  private static Input readInput(JsonParser p) throws IOException {
    Input in = new Input();
    expect(p.nextToken(), JsonToken.START_OBJECT, "the input");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "patterns":
          expect(value, JsonToken.START_OBJECT, "patterns");
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            expect(p.nextToken(), JsonToken.VALUE_STRING, "patterns." + name);
            in.patterns.put(name, p.getText());
          }
          break;
        case "lines":
          expect(value, JsonToken.START_ARRAY, "lines");
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.VALUE_STRING, "lines[" + in.lines.size() + "]");
            in.lines.add(p.getText());
          }
          break;
        case "timeoutMillis":
          expect(value, JsonToken.VALUE_NUMBER_INT, "timeoutMillis");
          in.timeoutMillis = p.getLongValue();
          break;
        default:
          throw new IllegalArgumentException("unknown key " + field);
      }
    }
    return in;
  }

  private static void expect(JsonToken got, JsonToken want, String what) {
    if (got != want) throw new IllegalArgumentException(what + ": expected " + want + ", got " + got);
  }

  /** The version of a jar on the class path, from the pom.properties Maven packs into it. */
  private static String version(String group, String artifact) throws IOException {
    String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream s = JoniCheck.class.getResourceAsStream(resource)) {
      if (s == null) return "unknown";
      Properties props = new Properties();
      props.load(s);
      return props.getProperty("version", "unknown");
    }
  }
}
