#!/usr/bin/env bash
# check_report_html.sh REPORT.html: the report opens in a real browser (Debian's Chromium,
# headless) as one self-contained file: it references nothing outside itself, holds at least
# one image, and every image decodes (the page marks data-images="loaded/total" on load).
set -euo pipefail
report=$1
[ -f "$report" ] || { echo "check_report_html: no file $report"; exit 1; }
images=$(grep -o '<img ' "$report" | wc -l)
[ "$images" -ge 1 ] || { echo "check_report_html: $report has no image"; exit 1; }
if grep -oE '(src|href)="[^"]*"' "$report" | grep -v '="data:' >/dev/null; then
  echo "check_report_html: $report references files outside itself:"
  grep -oE '(src|href)="[^"]*"' "$report" | grep -v '="data:' | head -3
  exit 1
fi
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "check_report_html: Chromium is not installed (scripts/setup.sh)"; exit 1; }
# A profile of its own: parallel tests must not share one.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
dom=$(timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
  --virtual-time-budget=10000 --dump-dom "file://$(realpath "$report")" 2>/dev/null)
marked=$(grep -oE 'data-images="[0-9]+/[0-9]+"' <<<"$dom" || true)
if [ "$marked" != "data-images=\"$images/$images\"" ]; then
  echo "check_report_html: $report: expected all $images images to load, the page says: ${marked:-nothing}"
  exit 1
fi
echo "check_report_html: $report: $images of $images images load"
