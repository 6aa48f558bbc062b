#!/usr/bin/env bash
# Installs the AiProfiler agent as a systemd service, or removes it.
#
#   sudo install/linux/install.sh install [--urls URL] [--no-start] [--dry-run]
#   sudo install/linux/install.sh uninstall [--purge] [--dry-run]
#
# install   publishes the agent (dotnet publish, Release) to /opt/aiprofiler and the bundled plugins to
#           /opt/aiprofiler/plugins, creates the aiprofiler system user, writes /etc/aiprofiler/appsettings.json (from
#           the defaults, kept as /opt/aiprofiler/appsettings.default.json) and /etc/aiprofiler/environment when they
#           do not exist yet, installs aiprofiler.service and enables it.
#           Running it again upgrades the agent and keeps the configuration and every plugin folder it did not bundle:
#           it replaces only the plugin folders it installed itself (listed in /opt/aiprofiler/plugins/.bundled).
# uninstall stops and disables the service and removes the unit, the agent and its bundled plugins and the user, and
#           keeps third-party plugin folders; --purge also removes them, /etc/aiprofiler and /var/lib/aiprofiler.
# --dry-run prints what would be done and changes nothing; it needs neither root nor systemd.
#
# Needs root, systemd and the .NET 10 SDK installed system-wide (set DOTNET=/path/to/dotnet if it is not on root's
# PATH). DESTDIR=/some/dir makes a dry run look at a copy of the file system under that folder.
set -euo pipefail

readonly PREFIX=${DESTDIR:-}/opt/aiprofiler
readonly CONFIG_DIR=${DESTDIR:-}/etc/aiprofiler
readonly STATE_DIR=${DESTDIR:-}/var/lib/aiprofiler
readonly UNIT_NAME=aiprofiler.service
readonly UNIT_PATH=${DESTDIR:-}/etc/systemd/system/$UNIT_NAME
# The plugin folders install.sh put into $PREFIX/plugins, one name a line: the only ones an upgrade replaces.
readonly BUNDLED_LIST=$PREFIX/plugins/.bundled
readonly SERVICE_USER=aiprofiler
readonly DEFAULT_URLS=http://0.0.0.0:9464

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)

die() {
  echo "install.sh: $*" >&2
  exit 1
}

usage() {
  cat <<'USAGE'
usage: install.sh install [--urls URL] [--no-start] [--dry-run]
       install.sh uninstall [--purge] [--dry-run]

  install     publish the agent to /opt/aiprofiler, install and enable aiprofiler.service; an upgrade keeps the
              configuration and third-party plugin folders in /opt/aiprofiler/plugins
    --urls URL  where the agent serves /metrics (default http://0.0.0.0:9464); kept in /etc/aiprofiler/environment
    --no-start  enable the service but do not start it now
  uninstall   stop and remove the service, the agent, its bundled plugins and the aiprofiler user
    --purge     also remove third-party plugins, /etc/aiprofiler and /var/lib/aiprofiler
  --dry-run   print what would be done and change nothing
USAGE
}

# The plugin folders this checkout bundles (the names install publishes into $PREFIX/plugins).
bundled_names() {
  local project
  for project in "$repo_root"/plugins/*/*.csproj; do
    if [ -e "$project" ]; then
      basename "$(dirname "$project")"
    fi
  done
}

# Bundled now or by an earlier install.
known_bundled() {
  bundled_names
  if [ -f "$BUNDLED_LIST" ]; then
    cat "$BUNDLED_LIST"
  fi
}

# Folders in $PREFIX/plugins that neither this checkout nor an earlier install bundled: a user's, kept on upgrade.
third_party_plugins() {
  local folder name known
  [ -d "$PREFIX/plugins" ] || return 0
  known=$(known_bundled)
  for folder in "$PREFIX"/plugins/*/; do
    [ -d "$folder" ] || continue
    name=$(basename "$folder")
    if ! grep -qxF "$name" <<<"$known"; then
      echo "$name"
    fi
  done
}

# Removes the agent from $PREFIX and the plugin folders an install bundled (recorded or about to be installed);
# third-party plugin folders stay unless $1 is "all".
remove_agent() {
  local scope=$1 name
  if [ "$scope" = all ]; then
    rm -rf "$PREFIX"
    return
  fi
  [ -d "$PREFIX" ] || return 0
  find "$PREFIX" -mindepth 1 -maxdepth 1 ! -name plugins -exec rm -rf {} +
  if [ -d "$PREFIX/plugins" ]; then
    while IFS= read -r name; do
      if [ -n "$name" ]; then
        rm -rf "${PREFIX:?}/plugins/$name"
      fi
    done < <(known_bundled)
    rm -f "$BUNDLED_LIST"
    rmdir --ignore-fail-on-non-empty "$PREFIX/plugins"
  fi
  rmdir --ignore-fail-on-non-empty "$PREFIX"
}

# Prints what remove_agent would keep, one line per third-party plugin folder.
report_kept_plugins() {
  local name
  while IFS= read -r name; do
    echo "install.sh: would keep $PREFIX/plugins/$name (not a bundled plugin)"
  done < <(third_party_plugins)
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root; try: sudo $0 $1"
}

require_systemd() {
  command -v systemctl >/dev/null 2>&1 || die "systemctl not found; this script installs a systemd service"
}

# The service runs with ProtectHome=yes, so a dotnet under /root or /home is invisible to it.
find_dotnet() {
  local dotnet=${DOTNET:-}
  if [ -z "$dotnet" ]; then
    dotnet=$(command -v dotnet 2>/dev/null) || die "dotnet not found; install the .NET 10 SDK system-wide (https://dot.net) or set DOTNET=/path/to/dotnet"
  fi
  [ -x "$dotnet" ] || die "DOTNET=$dotnet is not an executable file"
  dotnet=$(readlink -f "$dotnet")
  "$dotnet" --list-sdks 2>/dev/null | grep -q '^10\.' || die "$dotnet has no .NET 10 SDK (found: $("$dotnet" --list-sdks 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ')); install the .NET 10 SDK"
  case "$dotnet" in
    /root/* | /home/*) die "dotnet is installed under $(dirname "$dotnet"), which the service cannot read (ProtectHome=yes); install .NET system-wide, e.g. in /usr/share/dotnet" ;;
  esac
  echo "$dotnet"
}

validate_urls() {
  local url
  IFS=';' read -ra parts <<<"$1"
  [ "${#parts[@]}" -gt 0 ] || die "--urls is empty; e.g. --urls $DEFAULT_URLS"
  for url in "${parts[@]}"; do
    [[ "$url" =~ ^https?://[^[:space:]]+:[0-9]+/?$ ]] || die "--urls '$url' is not an http(s) URL with a port; e.g. --urls $DEFAULT_URLS"
  done
}

publish() {
  local dotnet=$1 stage=$2 project name
  echo "install.sh: publishing the agent (Release)"
  "$dotnet" publish "$repo_root/src/AiProfiler.Agent/AiProfiler.Agent.csproj" -c Release -o "$stage" --nologo -v quiet
  for project in "$repo_root"/plugins/*/*.csproj; do
    [ -e "$project" ] || continue
    name=$(basename "$(dirname "$project")")
    echo "install.sh: publishing plugin $name"
    "$dotnet" publish "$project" -c Release -o "$stage/plugins/$name" --nologo -v quiet
  done
  [ -x "$stage/aiprofiler" ] || die "publishing produced no $stage/aiprofiler executable"
}

create_user() {
  local group
  if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin \
      --comment "AiProfiler agent" "$SERVICE_USER"
  fi
  for group in video render; do
    if getent group "$group" >/dev/null; then
      usermod --append --groups "$group" "$SERVICE_USER"
    fi
  done
}

write_config() {
  local dotnet=$1 urls=$2 urls_given=$3
  install -d -m 0750 -o root -g "$SERVICE_USER" "$CONFIG_DIR"
  if [ ! -e "$CONFIG_DIR/appsettings.json" ]; then
    install -m 0640 -o root -g "$SERVICE_USER" "$PREFIX/appsettings.default.json" "$CONFIG_DIR/appsettings.json"
    echo "install.sh: wrote $CONFIG_DIR/appsettings.json (edit the schedule there)"
  fi
  if [ ! -e "$CONFIG_DIR/environment" ]; then
    printf 'DOTNET_ROOT=%s\nLISTEN_URLS=%s\n' "$(dirname "$dotnet")" "$urls" >"$CONFIG_DIR/environment"
    chown root:"$SERVICE_USER" "$CONFIG_DIR/environment"
    chmod 0640 "$CONFIG_DIR/environment"
    echo "install.sh: wrote $CONFIG_DIR/environment"
  elif [ "$urls_given" = yes ]; then
    sed -i "s#^LISTEN_URLS=.*#LISTEN_URLS=$urls#" "$CONFIG_DIR/environment"
  fi
}

do_install() {
  local urls=$DEFAULT_URLS urls_given=no start=yes dry_run=no
  while [ $# -gt 0 ]; do
    case "$1" in
      --urls)
        [ $# -ge 2 ] || die "--urls needs a value; e.g. --urls $DEFAULT_URLS"
        urls=$2 urls_given=yes
        shift 2
        ;;
      --no-start) start=no; shift ;;
      --dry-run) dry_run=yes; shift ;;
      *) usage >&2; die "unknown option '$1' for install" ;;
    esac
  done
  validate_urls "$urls"
  if [ "$dry_run" = yes ]; then
    dry_run_install "$urls" "$urls_given" "$start"
    return
  fi
  [ -z "${DESTDIR:-}" ] || die "DESTDIR is only for --dry-run; unset it to install"
  require_root install
  require_systemd
  local dotnet
  dotnet=$(find_dotnet)
  stage_dir=$(mktemp -d)
  trap 'rm -rf "$stage_dir"' EXIT
  publish "$dotnet" "$stage_dir"

  create_user
  if systemctl is-active --quiet "$UNIT_NAME"; then
    systemctl stop "$UNIT_NAME"
  fi
  # Never rm -rf the whole prefix: plugins/ holds third-party plugin folders that an upgrade must keep.
  remove_agent bundled
  install -d -m 0755 "$PREFIX" "$PREFIX/plugins"
  cp -a "$stage_dir/." "$PREFIX/"
  (cd "$stage_dir/plugins" && ls -1) >"$BUNDLED_LIST"
  cp "$repo_root/README.md" "$PREFIX/README.md"
  # /etc/aiprofiler/appsettings.json is the whole configuration: the agent layers --config over an appsettings.json
  # beside it, merging Schedule:Jobs entry by entry, so a default file there would mix its jobs into the user's.
  mv "$PREFIX/appsettings.json" "$PREFIX/appsettings.default.json"
  chown -R root:root "$PREFIX"
  chmod -R u=rwX,go=rX "$PREFIX"
  write_config "$dotnet" "$urls" "$urls_given"

  install -m 0644 "$script_dir/aiprofiler.service" "$UNIT_PATH"
  systemctl daemon-reload
  if [ "$start" = yes ]; then
    systemctl enable --now "$UNIT_NAME"
    echo "install.sh: $UNIT_NAME is running; metrics at $(cut -d';' -f1 <<<"$urls")/metrics (journalctl -u aiprofiler for its log)"
  else
    systemctl enable "$UNIT_NAME"
    echo "install.sh: $UNIT_NAME is enabled; start it with: systemctl start aiprofiler"
  fi
}

dry_run_install() {
  local urls=$1 urls_given=$2 start=$3
  echo "install.sh: dry run; nothing is changed"
  echo "install.sh: would publish the agent and the bundled plugins $(bundled_names | paste -sd' ') (dotnet publish -c Release)"
  if id -u "$SERVICE_USER" >/dev/null 2>&1; then
    echo "install.sh: would keep the system user $SERVICE_USER"
  else
    echo "install.sh: would create the system user $SERVICE_USER"
  fi
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$UNIT_NAME" 2>/dev/null; then
    echo "install.sh: would stop $UNIT_NAME"
  fi
  if [ -d "$PREFIX" ]; then
    echo "install.sh: would replace the agent in $PREFIX and the bundled plugin folders in $PREFIX/plugins"
    report_kept_plugins
  else
    echo "install.sh: would install the agent in $PREFIX and the bundled plugins in $PREFIX/plugins"
  fi
  if [ -e "$CONFIG_DIR/appsettings.json" ]; then
    echo "install.sh: would keep $CONFIG_DIR/appsettings.json"
  else
    echo "install.sh: would write $CONFIG_DIR/appsettings.json (the default configuration)"
  fi
  if [ ! -e "$CONFIG_DIR/environment" ]; then
    echo "install.sh: would write $CONFIG_DIR/environment (LISTEN_URLS=$urls)"
  elif [ "$urls_given" = yes ]; then
    echo "install.sh: would set LISTEN_URLS=$urls in $CONFIG_DIR/environment"
  else
    echo "install.sh: would keep $CONFIG_DIR/environment"
  fi
  echo "install.sh: would install $UNIT_PATH and $([ "$start" = yes ] && echo "enable and start" || echo "enable") $UNIT_NAME"
}

do_uninstall() {
  local purge=no dry_run=no
  while [ $# -gt 0 ]; do
    case "$1" in
      --purge) purge=yes; shift ;;
      --dry-run) dry_run=yes; shift ;;
      *) usage >&2; die "unknown option '$1' for uninstall" ;;
    esac
  done
  if [ "$dry_run" = yes ]; then
    echo "install.sh: dry run; nothing is changed"
    [ -e "$UNIT_PATH" ] && echo "install.sh: would stop, disable and remove $UNIT_NAME"
    if [ "$purge" = yes ]; then
      echo "install.sh: would remove $PREFIX with every plugin in it, $CONFIG_DIR and $STATE_DIR"
    else
      echo "install.sh: would remove the agent in $PREFIX and the bundled plugin folders in $PREFIX/plugins"
      report_kept_plugins
      echo "install.sh: would keep $CONFIG_DIR (uninstall --purge removes it)"
    fi
    id -u "$SERVICE_USER" >/dev/null 2>&1 && echo "install.sh: would remove the system user $SERVICE_USER"
    return 0
  fi
  [ -z "${DESTDIR:-}" ] || die "DESTDIR is only for --dry-run; unset it to uninstall"
  require_root uninstall
  require_systemd
  if [ -e "$UNIT_PATH" ]; then
    systemctl disable --now "$UNIT_NAME" || true
    rm -f "$UNIT_PATH"
    rm -rf "$UNIT_PATH.d"
    systemctl daemon-reload
    systemctl reset-failed "$UNIT_NAME" 2>/dev/null || true
  fi
  if id -u "$SERVICE_USER" >/dev/null 2>&1; then
    userdel "$SERVICE_USER"
  fi
  if [ "$purge" = yes ]; then
    remove_agent all
    rm -rf "$CONFIG_DIR" "$STATE_DIR"
    echo "install.sh: removed the service, $PREFIX, $CONFIG_DIR and $STATE_DIR"
  else
    local kept
    kept=$(third_party_plugins | paste -sd' ')
    remove_agent bundled
    echo "install.sh: removed the service and the agent; kept $CONFIG_DIR${kept:+ and the plugins $kept in $PREFIX/plugins} (uninstall --purge removes them)"
  fi
}

main() {
  if [ $# -eq 0 ]; then
    usage >&2
    exit 2
  fi
  local command=$1
  shift
  case "$command" in
    install) do_install "$@" ;;
    uninstall) do_uninstall "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      echo "install.sh: unknown command '$command'; use install or uninstall" >&2
      exit 2
      ;;
  esac
}

# Sourced (by the tests, to run one function against a copy of the file system), it only defines the functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
