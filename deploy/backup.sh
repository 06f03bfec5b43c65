#!/usr/bin/env bash
# Back up the database and the files (MEDIA_ROOT: uploads, issued letters with their scans,
# notices, briefs, photos) together into one archive:
#
#   deploy/backup.sh [ARCHIVE]       default: $BACKUP_DIR/jointmeeting-YYYYmmdd-HHMMSS.tar.gz
#
# Reads the same environment as the service (DATABASE_URL, VAR_DIR; under systemd:
# `set -a; . /etc/jointmeeting.env; set +a` first, as the service's user). PostgreSQL is dumped
# with pg_dump (a consistent snapshot, taken while the service runs); the embedded SQLite file
# with SQLite's online backup. The database is dumped BEFORE the files are copied: an issued file
# is written before the row that names it is committed and is never deleted, so every file the
# dump refers to is in the archive. SHA256SUMS in the archive lists every file; deploy/restore.sh
# checks it. Run it from cron or a systemd timer, and copy the archives off the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-.venv/bin/python}"
[ -x "$py" ] || py=python3
umask 077

settings=$("$py" manage.py shell --no-imports -c "
import shlex
from django.conf import settings
db = settings.DATABASES['default']
print('engine=%s' % shlex.quote(db['ENGINE'].rsplit('.', 1)[-1]))
print('media=%s' % shlex.quote(str(settings.MEDIA_ROOT)))
print('var_dir=%s' % shlex.quote(str(settings.VAR_DIR)))
print('db_name=%s' % shlex.quote(str(db['NAME'])))
for key, var in (('HOST', 'PGHOST'), ('PORT', 'PGPORT'), ('USER', 'PGUSER'), ('PASSWORD', 'PGPASSWORD')):
    if db.get(key):
        print('export %s=%s' % (var, shlex.quote(str(db[key]))))
")
eval "$settings"

stamp=$(date -u +%Y%m%d-%H%M%S)
archive="${1:-${BACKUP_DIR:-$var_dir/backups}/jointmeeting-$stamp.tar.gz}"
mkdir -p "$(dirname "$archive")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/jointmeeting-$stamp"
mkdir -p "$root/media"

case "$engine" in
  postgresql)
    PGDATABASE="$db_name" pg_dump --format=custom --no-owner --no-privileges --file="$root/database.dump"
    ;;
  sqlite3)
    "$py" - "$db_name" "$root/database.sqlite3" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
PY
    ;;
  *)
    echo "backup.sh: database engine $engine is not supported" >&2
    exit 1
    ;;
esac

if [ -d "$media" ]; then
  cp -a "$media/." "$root/media/"
fi
{
  echo "created $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "engine $engine"
  echo "host $(hostname)"
} >"$root/MANIFEST"
(cd "$root" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 -r sha256sum >SHA256SUMS)
tar -C "$work" -czf "$archive.partial" "jointmeeting-$stamp"
mv "$archive.partial" "$archive"
echo "$archive"
