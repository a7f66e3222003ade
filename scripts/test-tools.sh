#!/usr/bin/env bash
# The real tools the tests check PDFs with (ADR 15): qpdf, poppler-utils (pdfinfo, pdffonts,
# pdftotext) and Apache PDFBox Preflight with a Java runtime. Run before `npm test`: installs what is
# missing from Debian's packages when it can (root or sudo), else says what to install and fails.
set -euo pipefail
PACKAGES=()
command -v qpdf >/dev/null 2>&1 || PACKAGES+=(qpdf)
{ command -v pdftotext && command -v pdfinfo && command -v pdffonts; } >/dev/null 2>&1 || PACKAGES+=(poppler-utils)
[ -f /usr/share/java/preflight.jar ] && [ -f /usr/share/java/javax.activation.jar ] && [ -f /usr/share/java/jaxb-api.jar ] ||
  PACKAGES+=(libpdfbox2-java libactivation-java libjaxb-api-java)
command -v java >/dev/null 2>&1 || PACKAGES+=(default-jre-headless)
[ ${#PACKAGES[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1 || { [ -n "$SUDO" ] && ! sudo -n true 2>/dev/null; }; then
  echo "The tests check PDFs with real tools. Install them first: apt-get install ${PACKAGES[*]}" >&2
  exit 1
fi
echo "Installing the PDF tools the tests use: ${PACKAGES[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends "${PACKAGES[@]}" >/dev/null ||
  { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends "${PACKAGES[@]}" >/dev/null; }
