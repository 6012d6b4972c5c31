#!/bin/sh
# setup.sh - host packages and a cached Debian kernel for the lab.
#
# usage: setup.sh [--kernel 6.1|6.12|linux-image-PKG|KVER]   (default 6.1)
#   6.1, 6.12 ...    newest cloud-amd64 kernel of that series apt knows of
#   linux-image-PKG  that package (a meta package is followed to its image)
#   KVER             a kernel already in the cache, e.g. 6.1.0-56-cloud-amd64
# The kernel .deb is fetched with apt-get download and unpacked into the
# cache, never installed. Only vmlinuz, config and the module tree are kept.
# Cache: $VIRQ_LAB_CACHE (default <repo>/build/lab-cache).
# Output: progress on stderr ("lab: ..."), last stdout line LAB_KVER=<kver>.
# Exit: 0 ok, 2 usage, 3 anything else failed (the message says what).
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${VIRQ_LAB_CACHE:-$LAB_DIR/../build/lab-cache}
KERNEL=6.1
TMP=

say() { echo "lab: $*" >&2; }
die() { echo "lab: error: $*" >&2; exit 3; }
usage() { sed -n '/^set -eu/q;2,$p' "$0" >&2; exit 2; }
# an unexpected failure under set -e is a setup failure as well
trap 'rc=$?; trap - EXIT; [ -z "$TMP" ] || rm -rf "$TMP"
      [ $rc = 0 ] || [ $rc = 2 ] || exit 3' EXIT
trap 'exit 3' INT TERM HUP

while [ $# -gt 0 ]; do
    case $1 in
        --kernel) [ $# -ge 2 ] || usage; KERNEL=$2; shift 2 ;;
        --kernel=*) KERNEL=${1#*=}; shift ;;
        -h|--help) usage ;;
        *) echo "lab: setup.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

mkdir -p "$CACHE/kernels" "$CACHE/pkgs" || die "cannot create cache dir $CACHE"
CACHE=$(cd "$CACHE" && pwd)

# --- host packages: scripts/deps.sh installs whatever is missing ----------
need=
for p in qemu-system-x86 busybox-static cpio kmod xz-utils; do
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

# --- resolve the kernel package --------------------------------------------
# The series alias is reused until apt's lists change, since apt-cache
# costs ~0.7 s a call here and the warm path should be fast.
lists_newer() {  # $1 = file; true if apt lists were updated after it
    [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' \
            -newer "$1" 2>/dev/null | head -n1)" ]
}
image_dep() {    # $1 = package; the linux-image-* it depends on, if any
    apt-cache depends "$1" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-/ {print $2; exit}'
}
resolve_series() {  # $1 = "6.12": the series meta first, then the default one
    for meta in "linux-image-$1-cloud-amd64" linux-image-cloud-amd64; do
        p=$(image_dep "$meta")
        case $p in "linux-image-$1."*|"linux-image-$1-"*) echo "$p"; return ;; esac
    done
}
# apt-get update only where it can help: no lists at all (fresh system),
# or a download that failed because the mirror moved on to a newer ABI
apt_update_once() {  # $1 = why
    [ -z "${updated:-}" ] || return 1
    updated=1
    say "apt-get update ($1)"
    apt-get update -qq >/dev/null 2>&1 || say "apt-get update failed (offline?)"
}
no_lists() { ! ls /var/lib/apt/lists/*Packages* >/dev/null 2>&1; }

pkg=
case $KERNEL in
    linux-image-*)
        pkg=$KERNEL
        apt-cache show "$pkg" >/dev/null 2>&1 || ! no_lists ||
            apt_update_once "no package lists yet" || true
        apt-cache show "$pkg" >/dev/null 2>&1 ||
            die "no package '$pkg' in apt's lists (see apt-cache search linux-image)"
        meta=$(image_dep "$pkg")
        [ -z "$meta" ] || pkg=$meta
        ;;
    [0-9]*.[0-9]*-*)
        # an exact kernel version: only from the cache
        [ -f "$CACHE/kernels/$KERNEL/.ready" ] ||
            die "kernel $KERNEL is not in the cache $CACHE (use --kernel 6.1, 6.12 or linux-image-PKG)"
        kver=$KERNEL
        ;;
    [0-9]*.[0-9]*)
        alias=$CACHE/pkgs/series-$KERNEL
        if [ -f "$alias" ] && ! lists_newer "$alias"; then
            pkg=$(cat "$alias")
        else
            pkg=$(resolve_series "$KERNEL")
            if [ -z "$pkg" ] && no_lists && apt_update_once "no package lists yet"; then
                pkg=$(resolve_series "$KERNEL")
            fi
            if [ -z "$pkg" ] && [ -f "$alias" ]; then
                pkg=$(cat "$alias")   # offline: keep what worked before
                say "cannot re-resolve $KERNEL, using cached $pkg"
            fi
            [ -n "$pkg" ] ||
                die "no Debian cloud kernel for series '$KERNEL' (neither linux-image-$KERNEL-cloud-amd64 nor linux-image-cloud-amd64 provides it; try 6.1 or 6.12)"
            echo "$pkg" > "$alias"
        fi
        ;;
    *) die "unknown --kernel '$KERNEL' (want 6.1, 6.12, linux-image-PKG or a cached version)" ;;
esac

# --- fetch and unpack (once per package) -----------------------------------
ready() { [ -f "$CACHE/pkgs/$pkg" ] && [ -f "$CACHE/kernels/$(cat "$CACHE/pkgs/$pkg")/.ready" ]; }
if [ -n "$pkg" ] && ! ready; then
    # concurrent runs: the second waits and then finds the kernel ready
    if command -v flock >/dev/null; then exec 9>"$CACHE/.lock"; flock 9; fi
fi
if [ -n "$pkg" ] && ! ready; then
    mb=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null |
         awk '/^Size:/ {printf "%d", $2 / 1048576 + 0.5; exit}')
    say "fetching $pkg (${mb:-?} MB)..."
    TMP=$(mktemp -d "$CACHE/tmp.XXXXXX")
    # apt-get download writes into the cwd; as root it warns about _apt
    # not reaching a private dir, which is harmless, so keep it in a log
    if ! (cd "$TMP" && apt-get download "$pkg") >"$TMP/apt.log" 2>&1; then
        apt_update_once "download failed, refreshing the lists" ||
            die "apt-get download $pkg failed: $(grep -E '^(E|Err):' "$TMP/apt.log" | head -n2 | tr '\n' ' ')"
        case $KERNEL in [0-9]*.[0-9]*)
            p=$(resolve_series "$KERNEL")
            [ -z "$p" ] || { pkg=$p; echo "$pkg" > "$CACHE/pkgs/series-$KERNEL"; } ;;
        esac
        say "retrying $pkg..."
        (cd "$TMP" && apt-get download "$pkg") >"$TMP/apt.log" 2>&1 ||
            die "apt-get download $pkg failed: $(grep -E '^(E|Err):' "$TMP/apt.log" | head -n2 | tr '\n' ' ')"
    fi
    deb=$(ls "$TMP"/*.deb 2>/dev/null | head -n1)
    [ -n "$deb" ] || die "apt-get download $pkg produced no .deb"
    dpkg-deb -x "$deb" "$TMP/x" || die "cannot unpack $deb"
    rm -f "$deb"
    # bookworm ships /lib/modules, merged-/usr packages /usr/lib/modules
    mods=
    for d in "$TMP/x/lib/modules" "$TMP/x/usr/lib/modules"; do
        [ -d "$d" ] && mods=$d && break
    done
    [ -n "$mods" ] || die "$pkg has no module tree (not a kernel image package?)"
    kver=$(ls "$mods" | head -n1)
    [ -f "$TMP/x/boot/vmlinuz-$kver" ] || die "$pkg has no /boot/vmlinuz-$kver"
    k=$TMP/k
    mkdir -p "$k/lib/modules"
    mv "$TMP/x/boot/vmlinuz-$kver" "$k/vmlinuz"
    mv "$TMP/x/boot/config-$kver" "$k/config" 2>/dev/null || true
    mv "$mods/$kver" "$k/lib/modules/$kver"
    # the .deb has no modules.dep: its postinst would run depmod
    "$DEPMOD" -b "$k" "$kver" || die "depmod for $kver failed"
    echo "$pkg" > "$k/package"
    touch "$k/.ready"
    rm -rf "$CACHE/kernels/$kver"
    mv "$k" "$CACHE/kernels/$kver"
    echo "$kver" > "$CACHE/pkgs/$pkg"
    rm -rf "$TMP"; TMP=
fi
[ -n "$pkg" ] && kver=$(cat "$CACHE/pkgs/$pkg")
echo "$kver" > "$CACHE/kernels/last"
say "kernel $kver ready"
echo "LAB_KVER=$kver"
