# qemu-sid.sh - sourced by qemu.sh: Debian unstable's QEMU as a sysroot
# under the cache, fetched like the lab's kernels (apt.sh's private
# configuration for sid; apt-get download, never installed).
#
# qemu_sid_sysroot prints $CACHE/qemu/sid-<version>/root: qemu-system-x86
# and every package it depends on (recursively, Depends and Pre-Depends
# only), each unpacked with dpkg-deb -x, libc6 and the loader included
# since sid's libraries need a newer libc than the host's. qemu.sh then
# copies only what sid's own loader resolves (ld.so --list) and the
# firmware from sid's qemu-system-data, seabios and ipxe-qemu. The root is
# kept for the version and reused; root/source names it and the sizes.
# Needs: CACHE, LAB_DIR, die.

qemu_sid_pkgs() {  # the packages to unpack: qemu-system-x86 and its Depends
    apt_x sid apt-cache depends --recurse --no-recommends --no-suggests \
        --no-conflicts --no-breaks --no-replaces --no-enhances \
        qemu-system-x86 qemu-system-data seabios ipxe-qemu 2>/dev/null |
        grep -v '^ ' | grep -v '^<' | sort -u
}

qemu_sid_sysroot() {
    command -v say >/dev/null 2>&1 || say() { echo "lab: $*" >&2; }
    # shellcheck source=lab/apt.sh
    . "$LAB_DIR/apt.sh"
    apt_ensure_lists sid
    ver=$(apt_x sid apt-cache show --no-all-versions qemu-system-x86 2>/dev/null |
          sed -n 's/^Version: //p' | head -n1)
    [ -n "$ver" ] || { say "sid has no qemu-system-x86 (lists in $CACHE/apt/sid)"; return 1; }
    top=$CACHE/qemu/sid-$(echo "$ver" | tr ':~' '__')
    if [ -f "$top/root/source" ]; then echo "$top/root"; return 0; fi
    rm -rf "${top:?}"
    mkdir -p "$top/debs" "$top/root" || return 1
    pkgs=$(qemu_sid_pkgs)
    n=$(echo "$pkgs" | wc -l)
    # shellcheck disable=SC2086
    say "qemu: Debian unstable's qemu-system-x86 $ver: downloading $n packages ($(apt_size_mb sid $pkgs) MB)"
    # shellcheck disable=SC2086
    if ! (cd "$top/debs" && apt_x sid apt-get download $pkgs) > "$top/download.log" 2>&1; then
        apt_update sid "a download failed" || true
        # shellcheck disable=SC2086
        (cd "$top/debs" && apt_x sid apt-get download $pkgs) > "$top/download.log" 2>&1 || {
            say "qemu: sid download failed: $(grep -E '^(E|Err):' "$top/download.log" | head -n2 | tr '\n' ' ')"
            return 1
        }
    fi
    for d in "$top"/debs/*.deb; do
        dpkg-deb -x "$d" "$top/root" || { say "qemu: cannot unpack $d"; return 1; }
    done
    {
        echo "qemu-system-x86 $ver from sid, $n packages,"
        du -sk "$top/debs" | awk '{printf "%d MB of .deb\n", $1 / 1024 + 0.5}'
    } | tr '\n' ' ' > "$top/root/source"
    echo "$top/root"
}
