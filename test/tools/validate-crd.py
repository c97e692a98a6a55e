"""Validates custom resources against the openAPIV3Schema of their CRDs, strictly: an object schema that
does not preserve unknown fields refuses fields it does not declare (the API server would prune them).

usage: python validate-crd.py <crds.yaml> <resources.yaml>...   exit 1 and one line per problem on failure
"""
import json
import sys

import jsonschema
import yaml


def strict(schema):
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields") and "additionalProperties" not in schema:
            schema = {**schema, "additionalProperties": False}
        return {k: strict(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def main(crd_file, resource_files):
    schemas = {}
    for doc in yaml.safe_load_all(open(crd_file)):
        if not doc or doc.get("kind") != "CustomResourceDefinition":
            continue
        group, kind = doc["spec"]["group"], doc["spec"]["names"]["kind"]
        for version in doc["spec"]["versions"]:
            schemas[(f"{group}/{version['name']}", kind)] = strict(version["schema"]["openAPIV3Schema"])
    problems, checked = [], 0
    for file in resource_files:
        for doc in yaml.safe_load_all(open(file)):
            if not doc:
                continue
            key = (doc.get("apiVersion"), doc.get("kind"))
            if key not in schemas:
                problems.append(f"{file}: no CRD for {key}")
                continue
            checked += 1
            for error in jsonschema.Draft7Validator(schemas[key]).iter_errors(doc):
                problems.append(f"{file}: {doc['kind']}/{doc['metadata']['name']}: {'.'.join(map(str, error.absolute_path))}: {error.message}")
    print(json.dumps({"checked": checked, "problems": problems}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
