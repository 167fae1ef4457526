#!/usr/bin/env bash
# What a CI step reads from mailops' JSON report: data in fields (schema/report.schema.json),
# never text to parse.
set -euo pipefail

# Which result check_host() gave the client address, and the term that decided it, per resolver:
mailops spf-check "$DOMAIN" --ip "$CLIENT_IP" --resolver "$RESOLVER" --output json |
  jq -r '.checks[].details | select(.kind == "spf-check-host") |
    "\(.resolver) \(.result) \(.match.term.term // "none")"'

# How many files the night's backup transferred, all sources together:
mailops backup-rsync --source "mail=$SOURCE" --dest "$DEST" --output json |
  jq '[.checks[].details | select(.kind == "backup-source") | .stats.regularFilesTransferred] | add'
