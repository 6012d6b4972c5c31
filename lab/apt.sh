# apt.sh - sourced by setup.sh: apt for the lab's kernels, through the
# system's configuration for the system's own release and through a private
# one under the cache for any other Debian suite.
#
# A "source" is a Debian codename (bullseye, bookworm, sid). The system's
# own codename uses the system's lists while it has them, as apt-get
# download always did. Any other, or the system's own when it has no lists
# (a container that cleaned them) or they proved stale, gets
# $CACHE/apt/<codename>/: its own sources.list (the suite, plus
# <codename>-security for a release, on the mirrors the system uses), lists
# and cache, a status file of /dev/null, and none of apt.conf.d's update
# hooks (private.conf clears them). So /etc/apt is never written,
# the system's apt-get update never runs, and none of it needs root.
# Needs: CACHE, say, die (setup.sh).

# shellcheck disable=SC1091
SYS_CODENAME=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[ -n "$SYS_CODENAME" ] || SYS_CODENAME=unknown
# sources that go private although they are the system's (LAB_APT_PRIVATE:
# e.g. "bookworm" to leave the system's lists alone altogether)
PRIVATE=${LAB_APT_PRIVATE:-}

apt_system() {  # $1 = source: served by the system's apt?
    [ "$1" = "$SYS_CODENAME" ] || return 1
    case " $PRIVATE " in *" $1 "*) return 1 ;; esac
    ls /var/lib/apt/lists/*_dists_"$1"_*Packages* >/dev/null 2>&1
}

# what the system's apt.conf.d adds that must not run for a private update
apt_private_conf() {
    f=$CACHE/apt/private.conf
    mkdir -p "$CACHE/apt"
    {
        echo "// virq lab: no system hooks or extra index targets for private lists"
        for k in APT::Update::Pre-Invoke APT::Update::Post-Invoke \
                 APT::Update::Post-Invoke-Success; do
            echo "#clear $k;"
        done
        for t in DEP-11 DEP-11-icons DEP-11-icons-small DEP-11-icons-large \
                 DEP-11-icons-hidpi DEP-11-icons-large-hidpi; do
            echo "#clear Acquire::IndexTargets::deb::$t;"
        done
    } > "$f.tmp" && mv "$f.tmp" "$f"
}

# Every apt call goes through here: $1 = source, then the command.
apt_x() {
    src=$1; shift
    tool=$1; shift
    if apt_system "$src"; then
        "$tool" "$@"
        return
    fi
    d=$CACHE/apt/$src
    # -o, not an APT_CONFIG file: apt reads apt.conf.d after APT_CONFIG, so
    # a system setting there (docker-clean's empty pkgcache) would win.
    # apt.conf.d still applies otherwise: proxies keep working. Its update
    # hooks (PackageKit, appstream) and DEP-11 targets act on the system's
    # state, so -c, read after it, clears them for the private update.
    apt_private_conf
    "$tool" -c "$CACHE/apt/private.conf" -o "Dir::Etc::sourcelist=$d/sources.list" \
        -o Dir::Etc::sourceparts=/dev/null \
        -o Dir::Etc::preferences=/dev/null \
        -o Dir::Etc::preferencesparts=/dev/null \
        -o "Dir::State::Lists=$d/lists" -o Dir::State::status=/dev/null \
        -o "Dir::Cache=$d/cache" -o Dir::Cache::pkgcache=pkgcache.bin \
        -o Dir::Cache::srcpkgcache=srcpkgcache.bin \
        -o Acquire::Languages=none -o APT::Architecture=amd64 "$@"
}

# The system's Debian mirrors, from the URIs apt-get update would fetch
# (works with no lists yet, reads sources.list and deb822 .sources alike).
apt_mirrors() {
    [ -z "${MIRROR:-}" ] || return 0
    uris=$(apt-get update --print-uris 2>/dev/null |
           sed -n "s|^'\(.*\)/dists/\([^/]*\)/InRelease'.*|\2 \1|p")
    MIRROR=$(echo "$uris" | awk -v c="$SYS_CODENAME" '$1 == c {print $2; exit}')
    SECURITY=$(echo "$uris" | awk -v c="$SYS_CODENAME-security" '$1 == c {print $2; exit}')
    : "${MIRROR:=http://deb.debian.org/debian}"
    : "${SECURITY:=http://deb.debian.org/debian-security}"
}

apt_write_sources() {  # $1 = codename
    apt_mirrors
    key=
    [ ! -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
        key=' [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]'
    d=$CACHE/apt/$1
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" ||
        die "cannot create $d"
    {
        echo "# written by lab/setup.sh: Debian $1 for the lab's kernels"
        echo "deb$key $MIRROR $1 main"
        case $1 in sid|unstable|experimental) ;;
            *) echo "deb$key $SECURITY $1-security main" ;;
        esac
    } > "$d/sources.list"
}

apt_lists_dir() {  # $1 = source
    if apt_system "$1"; then echo /var/lib/apt/lists
    else echo "$CACHE/apt/$1/lists"; fi
}

apt_no_lists() {  # $1 = source
    ! ls "$(apt_lists_dir "$1")"/*Packages* >/dev/null 2>&1
}

apt_lists_newer() {  # $1 = source, $2 = file: lists updated after it?
    [ -n "$(find "$(apt_lists_dir "$1")" -maxdepth 1 -name '*Packages*' \
            -newer "$2" 2>/dev/null | head -n1)" ]
}

# apt-get update only where it can help: no lists yet, or a download that
# failed because the mirror moved on. Once per source and run, and always
# into the private lists (stale system lists make the source private for
# the rest of this run). As root apt warns that _apt cannot reach a private
# directory: harmless, kept in the log.
apt_update() {  # $1 = source, $2 = why; false if it already ran
    case " ${UPDATED:-} " in *" $1 "*) return 1 ;; esac
    UPDATED="${UPDATED:-} $1"
    ! apt_system "$1" || PRIVATE="$PRIVATE $1"
    say "apt-get update for $1 ($2), private lists in $CACHE/apt/$1"
    apt_write_sources "$1"
    log=$CACHE/apt/$1/update.log
    if ! apt_x "$1" apt-get update > "$log" 2>&1; then
        say "apt-get update for $1 failed: $(grep -E '^(E|Err):' "$log" | head -n2 | tr '\n' ' ')"
    fi
    return 0
}

apt_ensure_lists() {  # $1 = source
    ! apt_no_lists "$1" || apt_update "$1" "no package lists yet" || true
}

apt_image_dep() {  # $1 = source, $2 = package: the linux-image-* it depends on
    apt_x "$1" apt-cache depends "$2" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-/ {print $2; exit}'
}

# What to download for an image package: itself, or where it is only a
# meta package (unstable since 6.18 or so) its linux-binary-* (vmlinuz),
# linux-modules-* and linux-base-* (config, modules.builtin/order) parts.
apt_image_parts() {  # $1 = source, $2 = linux-image-KVER
    parts=$(apt_x "$1" apt-cache depends "$2" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-(binary|modules|base)-[0-9]/ {print $2}' | sort -u)
    echo "${parts:-$2}"
}

apt_size_mb() {  # $1 = source, then packages: their total .deb size in MB
    src=$1; shift
    apt_x "$src" apt-cache show --no-all-versions "$@" 2>/dev/null |
        awk '/^Size:/ {s += $2; n++} END {if (n) printf "%d", s / 1048576 + 0.5}'
}
