#!/usr/bin/env bash
# Restore an archive written by deploy/backup.sh into an EMPTY database and an empty MEDIA_ROOT:
#
#   deploy/restore.sh ARCHIVE
#
# The target comes from the environment, as for the service (DATABASE_URL, VAR_DIR). Create the
# empty database first (createdb -O jointmeeting jointmeeting) and stop the web, worker and beat
# services. The archive's checksums are verified before anything is written; after the restore
# every issued letter is checked against the SHA-256 recorded in the database, and the script
# fails if one differs or is missing. Then start the services: `migrate` brings the restored
# database up to the code's migrations if the code is newer.
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-.venv/bin/python}"
[ -x "$py" ] || py=python3
archive="${1:?usage: deploy/restore.sh ARCHIVE}"
[ -f "$archive" ] || { echo "restore.sh: no such archive: $archive" >&2; exit 1; }

settings=$("$py" manage.py shell --no-imports -c "
import shlex
from django.conf import settings
db = settings.DATABASES['default']
print('engine=%s' % shlex.quote(db['ENGINE'].rsplit('.', 1)[-1]))
print('media=%s' % shlex.quote(str(settings.MEDIA_ROOT)))
print('db_name=%s' % shlex.quote(str(db['NAME'])))
for key, var in (('HOST', 'PGHOST'), ('PORT', 'PGPORT'), ('USER', 'PGUSER'), ('PASSWORD', 'PGPASSWORD')):
    if db.get(key):
        print('export %s=%s' % (var, shlex.quote(str(db[key]))))
")
eval "$settings"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$archive"
root=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -f "$root/SHA256SUMS" ] || { echo "restore.sh: $archive is not a backup of this product" >&2; exit 1; }
(cd "$root" && sha256sum --quiet -c SHA256SUMS) || { echo "restore.sh: the archive is damaged" >&2; exit 1; }
saved_engine=$(awk '$1 == "engine" {print $2}' "$root/MANIFEST")
if [ "$saved_engine" != "$engine" ]; then
  echo "restore.sh: the archive holds a $saved_engine database, DATABASE_URL is $engine" >&2
  exit 1
fi
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "restore.sh: MEDIA_ROOT $media is not empty; restore into an empty one" >&2
  exit 1
fi

case "$engine" in
  postgresql)
    export PGDATABASE="$db_name"
    tables=$(psql -XAtq -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    if [ "$tables" != 0 ]; then
      echo "restore.sh: database $db_name is not empty ($tables tables); restore into an empty one" >&2
      exit 1
    fi
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
      --dbname="$db_name" "$root/database.dump"
    ;;
  sqlite3)
    if [ -s "$db_name" ]; then
      echo "restore.sh: database file $db_name exists; restore into an empty one" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$db_name")"
    cp "$root/database.sqlite3" "$db_name"
    ;;
esac

mkdir -p "$media"
cp -a "$root/media/." "$media/"

"$py" manage.py shell --no-imports -c "
import hashlib, sys
from workflows.documents.models import LetterDocument
issued = LetterDocument.objects.filter(is_draft=False).exclude(pdf='')
bad = []
for document in issued:
    try:
        with document.pdf.open('rb') as handle:
            intact = hashlib.sha256(handle.read()).hexdigest() == document.pdf_sha256
    except FileNotFoundError:
        intact = False
    if not intact:
        bad.append(document.number or str(document.pk))
if bad:
    sys.exit('restore.sh: letters missing or changed: ' + ', '.join(bad))
print('restored; %d issued letters intact' % issued.count())
"
