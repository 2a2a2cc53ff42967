#!/usr/bin/env bash
# Regenerate the README images from examples/source-2024.yaml: the HTML page in headless
# Chromium, and pages of the PDF (LibreOffice from the DOCX) through pdftoppm.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gongkai build examples/source-2024.yaml --to html -o "$tmp/report.html"
gongkai build examples/source-2024.yaml --to pdf -o "$tmp/report.pdf"
gongkai build examples/source-2024.yaml --to md -o "$tmp/report.md"
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile" \
  --screenshot=docs/images/report-html.png --window-size=1200,2000 "file://$tmp/report.html" 2>/dev/null
# The first page that holds table 3 (it may break where a group of its rows starts), and the first page.
page=$(for p in $(seq 1 "$(pdfinfo "$tmp/report.pdf" | awk '/^Pages/ {print $2}')"); do
  pdftotext -f "$p" -l "$p" "$tmp/report.pdf" - | grep -q '申请人情况' && echo "$p" && break; done)
pdftoppm -r 80 -png -singlefile -f "$page" -l "$page" "$tmp/report.pdf" docs/images/report-pdf-table3
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$tmp/report.pdf" docs/images/report-pdf-page1
cp "$tmp/report.md" docs/images/report-example.md
echo "docs/images: report-html.png report-pdf-page1.png report-pdf-table3.png report-example.md"
