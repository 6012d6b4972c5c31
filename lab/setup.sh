#!/bin/sh
# setup.sh - host packages and a cached kernel for the lab.
#
# usage: setup.sh [--kernel K] [--modules M]      (default --kernel 6.1)
#   5.10           Debian 11's cloud kernel (bullseye + bullseye-security)
#   6.1, 6.12      Debian 12's (bookworm, bookworm-security)
#   7.2            Debian unstable's (sid)
#   X.Y            another series: bookworm, then sid, then bullseye
#                  A series is what the suite's linux-image-X.Y-cloud-amd64
#                  or linux-image-cloud-amd64 depends on today.
#   all            every era above (5.10 6.1 6.12 7.2), a line per kernel
#   linux-image-PKG  that package (a meta package is followed to its image)
#   KVER           a kernel already in the cache, e.g. 6.1.0-57-cloud-amd64
#   FILE           your own kernel: a linux-image .deb; a linux-binary .deb
#                  with --modules linux-modules.deb; or a bzImage with
#                  --modules DIR (DIR/lib/modules/KVER, or KVER itself);
#                  re-imported when a file changes (cache id local-KVER)
# Debian kernels are fetched with apt-get download and unpacked into the
# cache, never installed. The system's own release comes through the
# system's apt lists; other suites only through a private apt configuration
# in the cache (apt/<suite>/), updated only when its lists are missing or a
# download failed (delete that directory to look for newer kernels).
# Cache: $VIRQ_LAB_CACHE (default <repo>/build/lab-cache).
# Output: progress on stderr ("lab: ..."), last stdout line LAB_KVER=<id>
# (one per kernel for all).
# Exit: 0 ok, 2 usage, 3 anything else failed (the message says what).
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${VIRQ_LAB_CACHE:-$LAB_DIR/../build/lab-cache}
ERAS="5.10 6.1 6.12 7.2"
KERNEL=6.1 MODS='' TMP=''

say() { echo "lab: $*" >&2; }
die() { echo "lab: error: $*" >&2; exit 3; }
usage() { sed -n '/^set -eu/q;2,$p' "$0" >&2; USAGE=1; exit 2; }
bad() { echo "lab: setup.sh: $*" >&2; USAGE=1; exit 2; }
# an unexpected failure under set -e is a setup failure as well
trap 'rc=$?; trap - EXIT; [ -z "$TMP" ] || rm -rf "$TMP"
      [ $rc = 0 ] || [ $rc = 3 ] || { [ $rc = 2 ] && [ -n "${USAGE:-}" ]; } || {
          echo "lab: error: setup.sh failed unexpectedly (status $rc; sh -x lab/setup.sh shows where)" >&2
          exit 3; }' EXIT
trap 'exit 3' INT TERM HUP

while [ $# -gt 0 ]; do
    case $1 in
        --kernel|--modules) [ $# -ge 2 ] || usage
            case $1 in --kernel) KERNEL=$2 ;; *) MODS=$2 ;; esac
            shift 2 ;;
        --kernel=*) KERNEL=${1#*=}; shift ;;
        --modules=*) MODS=${1#*=}; shift ;;
        -h|--help) usage ;;
        *) bad "unknown argument '$1'" ;;
    esac
done

# --- all: one run per era, one progress line each ---------------------------
if [ "$KERNEL" = all ]; then
    [ -z "$MODS" ] || bad "--modules goes with a kernel file, not with all"
    i=0 rc=0
    for e in $ERAS; do
        i=$((i + 1))
        LAB_PROGRESS="[$i/4] " sh "$0" --kernel "$e" || rc=3
    done
    exit $rc
fi
case $KERNEL in */*|*.deb) [ -e "$KERNEL" ] || bad "--kernel $KERNEL: no such file" ;; esac
[ -z "$MODS" ] || [ -e "$KERNEL" ] || bad "--modules goes with --kernel FILE"
[ -z "$MODS" ] || [ -e "$MODS" ] || bad "--modules $MODS: no such file or directory"

mkdir -p "$CACHE/kernels" "$CACHE/pkgs" || die "cannot create cache dir $CACHE"
CACHE=$(cd "$CACHE" && pwd)
# shellcheck source=lab/apt.sh
. "$LAB_DIR/apt.sh"
# shellcheck source=lab/kernel.sh
. "$LAB_DIR/kernel.sh"

# --- host packages: scripts/deps.sh installs whatever is missing ----------
need=
for p in qemu-system-x86 busybox-static cpio kmod xz-utils zstd; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
        need="$need $p"
done
if [ -n "$need" ]; then
    say "installing host packages:$need"
    [ -x "$LAB_DIR/../scripts/deps.sh" ] || die "scripts/deps.sh not found"
    "$LAB_DIR/../scripts/deps.sh" >&2 || die "installing$need failed (apt-get, see above)"
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not on PATH"
command -v cpio >/dev/null || die "cpio not on PATH"
command -v xz >/dev/null || die "xz not on PATH"
DEPMOD=$(command -v depmod || true)
# kmod puts depmod in /sbin, which is not on a plain user PATH
for d in /sbin/depmod /usr/sbin/depmod; do
    [ -n "$DEPMOD" ] || [ ! -x "$d" ] || DEPMOD=$d
done
[ -n "$DEPMOD" ] || die "depmod not found (package kmod)"
# busybox runs inside the initramfs, where there is no libc
[ -x /bin/busybox ] || die "/bin/busybox missing (package busybox-static)"
if command -v readelf >/dev/null &&
   readelf -l /bin/busybox 2>/dev/null | grep -q 'INTERP'; then
    die "/bin/busybox is dynamically linked: install busybox-static"
fi

# --- which Debian suite has which era ---------------------------------------
era_sources() {  # $1 = series: the sources to look in, in order
    case $1 in
        5.10) echo bullseye ;;
        6.1|6.12) echo bookworm ;;
        7.2) echo sid ;;
        *) echo "$SYS_CODENAME bookworm sid bullseye" | tr ' ' '\n' | awk '!s[$0]++' ;;
    esac
}
resolve_series() {  # $1 = "6.12", $2 = source: the series meta first, then the default one
    for meta in "linux-image-$1-cloud-amd64" linux-image-cloud-amd64; do
        p=$(apt_image_dep "$2" "$meta")
        case $p in "linux-image-$1."*|"linux-image-$1-"*) echo "$p"; return ;; esac
    done
}
# A series is re-resolved only when its lists changed since (apt-cache
# costs ~0.5 s a call here, and the warm path should be fast).
series() {  # $1 = series: sets PKG and SRC
    alias=$CACHE/pkgs/series-$1
    if [ -f "$alias" ]; then
        read -r PKG SRC < "$alias" || true
        : "${SRC:=$SYS_CODENAME}"   # written before there were other suites
        apt_lists_newer "$SRC" "$alias" || return 0
    fi
    for s in $(era_sources "$1"); do
        apt_ensure_lists "$s"
        p=$(resolve_series "$1" "$s")
        [ -z "$p" ] || { PKG=$p SRC=$s; echo "$PKG $SRC" > "$alias"; return 0; }
    done
    if [ -f "$alias" ]; then
        read -r PKG SRC < "$alias" || true   # offline: keep what worked before
        : "${SRC:=$SYS_CODENAME}"
        say "cannot re-resolve $1, using cached $PKG ($SRC)"
        return 0
    fi
    die "no Debian cloud kernel for series '$1' in $(era_sources "$1" | tr '\n' ' ')(neither linux-image-$1-cloud-amd64 nor linux-image-cloud-amd64 leads to one; the lab knows $ERAS)"
}
package() {  # $1 = linux-image-*: sets PKG and SRC
    for s in $(era_sources any); do
        apt_ensure_lists "$s"
        apt_x "$s" apt-cache show "$1" >/dev/null 2>&1 || continue
        SRC=$s PKG=$(apt_image_dep "$s" "$1")
        [ -n "$PKG" ] || PKG=$1
        return 0
    done
    bad "no package '$1' in $(era_sources any | tr '\n' ' ')(see apt-cache search linux-image)"
}

# --- fetch and unpack (once per package) -----------------------------------
ready() { [ -f "$CACHE/pkgs/$PKG" ] && [ -f "$CACHE/kernels/$(cat "$CACHE/pkgs/$PKG")/.ready" ]; }
download() {  # into $TMP; false if apt-get download failed
    PARTS=$(apt_image_parts "$SRC" "$PKG" | tr '\n' ' ')
    PARTS=${PARTS% }
    # shellcheck disable=SC2086
    MB=$(apt_size_mb "$SRC" $PARTS)
    say "${LAB_PROGRESS:-}fetching $PARTS from $SRC (${MB:-?} MB)..."
    # apt-get download writes into the cwd; as root it warns about _apt
    # not reaching a private dir, which is harmless, so keep it in a log
    # shellcheck disable=SC2086
    (cd "$TMP" && apt_x "$SRC" apt-get download $PARTS) >"$TMP/apt.log" 2>&1
}
fetch() {  # PKG from SRC into the cache
    TMP=$(mktemp -d "$CACHE/tmp.XXXXXX")
    apt_ensure_lists "$SRC"
    if ! download; then
        apt_update "$SRC" "download failed, refreshing the lists" ||
            die "apt-get download $PARTS failed: $(grep -E '^(E|Err):' "$TMP/apt.log" | head -n2 | tr '\n' ' ')"
        case $KERNEL in [0-9]*.[0-9]*)
            p=$(resolve_series "$KERNEL" "$SRC")
            [ -z "$p" ] || { PKG=$p; echo "$PKG $SRC" > "$CACHE/pkgs/series-$KERNEL"; } ;;
        esac
        say "retrying $PKG..."
        download ||
            die "apt-get download $PARTS failed: $(grep -E '^(E|Err):' "$TMP/apt.log" | head -n2 | tr '\n' ' ')"
    fi
    for deb in "$TMP"/*.deb; do
        [ -f "$deb" ] || die "apt-get download $PARTS produced no .deb"
        dpkg-deb -x "$deb" "$TMP/x" || die "cannot unpack $deb"
        mb=$(wc -c < "$deb" | awk '{printf "%.1f", $1 / 1048576}')
        echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) $SRC $mb MB" >> "$TMP/source"
        rm -f "$deb"
    done
    id=$(kernel_install "$TMP/x" "" "$PKG")
    echo "$id" > "$CACHE/pkgs/$PKG"
    rm -rf "$TMP"; TMP=
}

# a user's kernel: imported again whenever one of its files changed
import_local() {  # $1 = kernel file, $2 = modules ("" none)
    stamp=$(local_stamp "$1" "$2" "$(base_beside "$2")")
    key=$CACHE/pkgs/local-$(printf '%s' "$stamp" | cksum | cut -d' ' -f1)
    if [ -f "$key" ] && [ "$(cat "$CACHE/kernels/$(cat "$key")/source" 2>/dev/null)" = "$stamp" ] &&
       [ -f "$CACHE/kernels/$(cat "$key")/.ready" ]; then
        ID=$(cat "$key"); return 0
    fi
    say "importing $1${2:+ with modules $2}..."
    TMP=$(mktemp -d "$CACHE/tmp.XXXXXX")
    local_unpack "$1" "$2"
    printf '%s\n' "$stamp" > "$TMP/source"
    ID=$(kernel_install "$TMP/x" local- "$1")
    echo "$ID" > "$key"
    fetched=imported
    rm -rf "$TMP"; TMP=
}

t0=$(date +%s.%N) ID='' PKG='' SRC='' fetched=
# a name that is an era, a version or a package is one, even if a file in the
# cwd has that name; anything else that exists is a kernel file
is_name() {
    case $1 in */*|*.deb) return 1 ;;
        linux-image-*|[0-9]*.[0-9]*|local-*) return 0 ;; esac
    return 1
}
if ! is_name "$KERNEL" && [ -e "$KERNEL" ]; then
    import_local "$(readlink -f "$KERNEL")" "${MODS:+$(readlink -f "$MODS")}"
else
    case $KERNEL in
        linux-image-*) package "$KERNEL" ;;
        [0-9]*.[0-9]*-*|local-*)
            # an exact kernel version: only from the cache
            [ -f "$CACHE/kernels/$KERNEL/.ready" ] ||
                bad "kernel $KERNEL is not in the cache $CACHE (use --kernel ${ERAS% *}, ..., linux-image-PKG or a file)"
            ID=$KERNEL ;;
        [0-9]*.[0-9]*) series "$KERNEL" ;;
        *) bad "unknown --kernel '$KERNEL' (want one of $ERAS, all, linux-image-PKG, a cached version or a kernel file)" ;;
    esac
fi
if [ -n "$PKG" ] && ! ready; then
    # concurrent runs: the second waits and then finds the kernel ready
    if command -v flock >/dev/null; then exec 9>"$CACHE/.lock"; flock 9; fi
    ready || { fetch; fetched=fetched; }
fi
[ -z "$PKG" ] || ID=$(cat "$CACHE/pkgs/$PKG")
echo "$ID" > "$CACHE/kernels/last"

# the progress line: what the kernel is, where it came from, what it cost
k=$CACHE/kernels/$ID
what=$(awk '{printf "%s%s %s (%s MB)", (NR > 1 ? ", " : ""), $1, $2, $4; s = $3}
           END {if (s != "") printf " from %s", s}' "$k/source" 2>/dev/null || true)
[ -n "$what" ] || what=$(cat "$k/package" 2>/dev/null || echo "?")
case $ID in local-*) what=$(awk '{printf "%s%s", (NR > 1 ? " + " : ""), $1}' "$k/source" || true) ;; esac
secs=$(echo "$t0 $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
say "${LAB_PROGRESS:-}kernel ${KERNEL##*/} = $ID: $what; ${fetched:-cached}${fetched:+ in $secs s}, $(kernel_mb "$ID") MB in the cache"
echo "LAB_KVER=$ID"
