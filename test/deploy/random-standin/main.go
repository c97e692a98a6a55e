// TEST-ONLY stand-in for the @pulumi/random resource provider, for the deploy test layer.
//
// The real provider (pulumi-random, a Terraform bridge) is not served by the Go module proxy, so it cannot be
// built here. This binary implements exactly what the stack uses, random:index/randomPassword:RandomPassword
// with `length` and `special`, and nothing else: any other type is refused. Like the real provider, a change to
// any input replaces the password, refresh never changes it, and `result` leaves the provider only as a
// secret (the SDK marks it an additional secret output). What it leaves unproven: the real provider's own
// state shape and its other inputs; see test/deploy/README.md.
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// The version @pulumi/random asks the engine for (package.json pins @pulumi/random 4.21.2).
const version = "4.21.2"

const passwordType = "random:index/randomPassword:RandomPassword"

const (
	alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	special      = "!#$%&*()-_=+[]{}<>:?"
)

type standin struct {
	pulumirpc.UnimplementedResourceProviderServer
}

func checkType(urnOrType string, typ string) error {
	if typ != passwordType {
		return fmt.Errorf("random stand-in (test only): %s is not implemented (resource %s)", typ, urnOrType)
	}
	return nil
}

// resourceType extracts the type token from a URN: urn:pulumi:stack::project::parent$type::name.
func resourceType(urn string) string {
	parts := strings.SplitN(urn, "::", 4)
	if len(parts) < 4 {
		return ""
	}
	return parts[2][strings.LastIndex(parts[2], "$")+1:]
}

func (standin) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (standin) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (standin) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (standin) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func (standin) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := checkType(req.GetUrn(), resourceType(req.GetUrn())); err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	length := req.GetNews().GetFields()["length"].GetNumberValue()
	if length < 1 || length > 1024 {
		failures = append(failures, &pulumirpc.CheckFailure{Property: "length", Reason: "length must be 1..1024"})
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
}

// Every input of a RandomPassword forces a new password, as in the real provider.
func (standin) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news := req.GetOldInputs().GetFields(), req.GetNews().GetFields()
	var changed []string
	for k, v := range news {
		if !proto.Equal(v, olds[k]) {
			changed = append(changed, k)
		}
	}
	for k := range olds {
		if _, ok := news[k]; !ok {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed, Replaces: changed}, nil
}

func generate(props *structpb.Struct) (string, error) {
	length := int(props.GetFields()["length"].GetNumberValue())
	alphabet := alphanumeric
	if v, ok := props.GetFields()["special"]; !ok || v.GetBoolValue() {
		alphabet += special // the real provider's default is special = true
	}
	out := make([]byte, length)
	for i := range out {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		out[i] = alphabet[n.Int64()]
	}
	return string(out), nil
}

func (standin) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := checkType(req.GetUrn(), resourceType(req.GetUrn())); err != nil {
		return nil, err
	}
	outputs := proto.Clone(req.GetProperties()).(*structpb.Struct)
	if outputs.Fields == nil {
		outputs.Fields = map[string]*structpb.Value{}
	}
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: outputs}, nil // result stays unknown in a preview
	}
	password, err := generate(req.GetProperties())
	if err != nil {
		return nil, err
	}
	outputs.Fields["result"] = structpb.NewStringValue(password)
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: fmt.Sprintf("none-%x", id), Properties: outputs}, nil
}

// Refresh finds no drift: the password exists only in the state.
func (standin) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (standin) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return nil, fmt.Errorf("random stand-in (test only): every input replaces a RandomPassword; update of %s is unexpected", req.GetUrn())
}

func (standin) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (standin) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func main() {
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(s, standin{})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "random stand-in: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "random stand-in: %v\n", err)
		os.Exit(1)
	}
}
