#!/usr/bin/env bash
# Quick start: installs what is missing, builds, prepares a database with a demo workspace and
# starts the server. Safe to run again: the database and its data are kept.
#
#   IMPETUS_DB          database file      (default: var/impetus.db)
#   IMPETUS_LISTEN      HOST:PORT          (default: 127.0.0.1:8080)
#   IMPETUS_PUBLIC_URL  the address people reach the server at, for the links in e-mails
#                       (default: http://IMPETUS_LISTEN; set it when a proxy or another name
#                       stands in front)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh

db=${IMPETUS_DB:-var/impetus.db}
listen=${IMPETUS_LISTEN:-127.0.0.1:8080}
public_url=${IMPETUS_PUBLIC_URL:-http://$listen}
mkdir -p "$(dirname "$db")"
impetus=build/src/impetus

"$impetus" db migrate --db "$db"
"$impetus" workspace create demo --name "Demo city" --country FR --languages en,fr \
  --center 3.0573,50.6292 --zoom 13 --if-missing --db "$db"
"$impetus" import data/demo/spaces.geojson --workspace demo --db "$db"

# A first administrator for the back office, once: its password is printed this one time
# (var/admin-password keeps it for the demo; change it after signing in).
if [ -z "$("$impetus" user list --db "$db")" ]; then
  out=$("$impetus" user create admin@example.org --admin --name "Administrator" --db "$db")
  mkdir -p var
  printf '%s\n' "$out" | sed -n 's/^password: //p' > var/admin-password
  chmod 600 var/admin-password
  echo "Back office: sign in as admin@example.org with the password in var/admin-password"
fi

echo "Open $public_url/ in a browser (OGC API at /ogc, REST API at /api/v1)."
exec "$impetus" serve --db "$db" --listen "$listen" --public-url "$public_url"
