#!/usr/bin/env bash
# Writes the kubeconfig for $STACK's cluster with the cloud credentials the OIDC step obtained (no stored
# kubeconfig, no long-lived token). KUBE_PLATFORM says where the cluster runs: eks, gke or aks; the
# cluster's name comes from KUBE_CLUSTER_DEV / KUBE_CLUSTER_PROD (repository or environment variables).
set -euo pipefail
: "${STACK:?STACK is required (dev or prod)}"
: "${KUBE_PLATFORM:?set the repository variable KUBE_PLATFORM to eks, gke or aks}"
var="KUBE_CLUSTER_$(echo "$STACK" | tr '[:lower:]' '[:upper:]')"
cluster="${!var:-}"
if [ -z "$cluster" ]; then
  echo "kubeconfig: set the variable $var to the name of the $STACK cluster" >&2
  exit 1
fi
case "$KUBE_PLATFORM" in
  eks) aws eks update-kubeconfig --name "$cluster" --region "${AWS_REGION:?AWS_REGION is required for eks}" ;;
  gke) gcloud container clusters get-credentials "$cluster" --location "${GCP_LOCATION:?GCP_LOCATION is required for gke}" ;;
  aks) az aks get-credentials --name "$cluster" --resource-group "${AZURE_RESOURCE_GROUP:?AZURE_RESOURCE_GROUP is required for aks}" --overwrite-existing ;;
  *) echo "kubeconfig: KUBE_PLATFORM must be eks, gke or aks (got \"$KUBE_PLATFORM\")" >&2; exit 1 ;;
esac
kubectl config current-context >&2
