# kernel.sh - sourced by setup.sh: turn an unpacked kernel into a cache
# entry, $CACHE/kernels/<id>/ = vmlinuz, config, kver, source, .ready and
# lib/modules/<kver>/ with the modules.dep depmod -b made (kernel packages
# ship none: their postinst would run depmod).
# Needs: CACHE, DEPMOD, TMP, say, die (setup.sh).

# Where the pieces are in an unpacked tree, by era: bullseye/bookworm
# images have /boot/vmlinuz-KVER and /lib/modules/KVER; merged-/usr ones
# /usr/lib/modules/KVER; unstable's split packages put vmlinuz and config
# into /usr/lib/modules/KVER/ as well.
kernel_find_mods() {  # $1 = unpacked root: the modules/ directory
    for d in "$1/lib/modules" "$1/usr/lib/modules"; do
        if [ -d "$d" ] && [ -n "$(ls "$d")" ]; then echo "$d"; return 0; fi
    done
}

kernel_find_file() {  # $1 = root, $2 = kver, $3 = vmlinuz|config
    for f in "$1/boot/$3-$2" "$1/lib/modules/$2/$3" "$1/usr/lib/modules/$2/$3"; do
        if [ -f "$f" ]; then echo "$f"; return 0; fi
    done
}

# $1 = unpacked root, $2 = prefix of the cache id (id = prefix + kver), $3 = what it came from
# (for messages); $TMP/source, if there, says it in full (one line a file).
# Prints the id.
kernel_install() {
    mods=$(kernel_find_mods "$1")
    [ -n "$mods" ] || die "no module tree (lib/modules/KVER) in $3: not a kernel image package?"
    # shellcheck disable=SC2012
    kver=$(ls "$mods" | head -n1)
    # shellcheck disable=SC2012
    [ "$(ls "$mods" | wc -l)" = 1 ] || say "several kernels in $3, taking $kver"
    vmlinuz=$(kernel_find_file "$1" "$kver" vmlinuz)
    [ -n "$vmlinuz" ] || die "no vmlinuz for $kver (in boot/ or lib/modules/$kver/)"
    config=$(kernel_find_file "$1" "$kver" config)
    id=$2$kver
    k=$TMP/k
    rm -rf "$k"
    mkdir -p "$k/lib/modules"
    mv "$vmlinuz" "$k/vmlinuz"
    [ -z "$config" ] || mv "$config" "$k/config"
    mv "$mods/$kver" "$k/lib/modules/$kver"
    rm -f "$k/lib/modules/$kver/vmlinuz" "$k/lib/modules/$kver/System.map"
    # a user's tree may lack what kbuild's modules_install writes; depmod
    # warns about each, and an empty one means the same to it
    for f in modules.order modules.builtin modules.builtin.modinfo; do
        [ -e "$k/lib/modules/$kver/$f" ] || : > "$k/lib/modules/$kver/$f"
    done
    "$DEPMOD" -b "$k" "$kver" || die "depmod for $kver failed"
    echo "$kver" > "$k/kver"
    if [ -f "$TMP/source" ]; then cp "$TMP/source" "$k/source"; else echo "$3" > "$k/source"; fi
    touch "$k/.ready"
    rm -rf "$CACHE/kernels/$id"
    mv "$k" "$CACHE/kernels/$id"
    echo "$id"
}

kernel_mb() {  # $1 = id: MB the cache entry takes
    du -sm "$CACHE/kernels/$1" 2>/dev/null | cut -f1
}

# --- a user's own kernel ----------------------------------------------------
is_deb() { dpkg-deb -f "$1" Package >/dev/null 2>&1; }

# A bzImage's version string: the setup header (magic "HdrS" at 0x202)
# points at it with kernel_version at 0x20e, relative to 0x200
# (Documentation/arch/x86/boot.rst).
bzimage_version() {  # $1 = file
    [ "$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] || return 1
    off=$(od -An -tu2 -j526 -N2 "$1" | tr -d ' ')
    [ "${off:-0}" -gt 0 ] || return 1
    dd if="$1" bs=1 skip=$((off + 512)) count=128 2>/dev/null |
        tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

# $1 = modules directory in any of: ROOT (with lib/modules/KVER),
# lib/modules (with KVER/), or KVER itself (with kernel/ or modules.order).
# Prints the KVER directory.
modules_dir_kver() {
    for d in "$1"/lib/modules/* "$1"/usr/lib/modules/*; do
        if [ -d "$d" ]; then echo "$d"; return 0; fi
    done
    if [ -d "$1/kernel" ] || [ -f "$1/modules.order" ]; then echo "$1"; return 0; fi
    for d in "$1"/*; do
        if [ -d "$d/kernel" ] || [ -f "$d/modules.order" ]; then echo "$d"; return 0; fi
    done
}

# Unstable's third part (config, modules.builtin and .order) if it lies
# beside the modules package: linux-modules-V_... -> linux-base-V_...
base_beside() {  # $1 = modules .deb
    case $(basename "$1") in linux-modules-*.deb) ;; *) return 0 ;; esac
    b=$(dirname "$1")/$(basename "$1" | sed 's/^linux-modules-/linux-base-/')
    [ ! -f "$b" ] || echo "$b"
}

# A stamp of the user's files: re-import when any of them changed.
local_stamp() {
    for f in "$@"; do
        [ -n "$f" ] || continue
        # shellcheck disable=SC2012
        echo "$(readlink -f "$f") $(ls -ld --time-style=+%s "$f" | awk '{print $5, $6}')"
        # a directory: its newest file and its file count, so a module
        # rebuilt or removed inside it counts as a change too
        [ ! -d "$f" ] ||
            find "$f" -type f -printf '%T@\n' | sort -n | awk 'END {print NR, $0}'
    done
}

# $1 = kernel (.deb or bzImage), $2 = modules (.deb, directory or "").
# Unpacks into $TMP/x the same tree a Debian package gives.
local_unpack() {
    x=$TMP/x
    mkdir -p "$x"
    if is_deb "$1"; then
        dpkg-deb -x "$1" "$x" || die "cannot unpack $1"
    elif bzimage_version "$1" >/dev/null; then
        v=
        if [ -n "$2" ] && [ -d "$2" ]; then
            md=$(modules_dir_kver "$2")
            [ -n "$md" ] || die "--modules $2: no lib/modules/KVER, KVER/kernel or modules.order in it"
            v=$(basename "$md")
            mkdir -p "$x/lib/modules"
            cp -a "$md" "$x/lib/modules/$v" || die "cannot copy $md"
        fi
        [ -n "$v" ] || v=$(bzimage_version "$1")
        [ "$(bzimage_version "$1")" = "$v" ] ||
            say "warning: $1 says it is $(bzimage_version "$1"), its modules are $v"
        mkdir -p "$x/boot" "$x/lib/modules/$v"
        cp "$1" "$x/boot/vmlinuz-$v"
    else
        die "--kernel $1: neither a .deb nor a bzImage"
    fi
    [ -z "$2" ] || [ -d "$2" ] || {
        is_deb "$2" || die "--modules $2: neither a .deb nor a directory"
        dpkg-deb -x "$2" "$x" || die "cannot unpack $2"
        b=$(base_beside "$2")
        if [ -n "$b" ]; then
            say "with $b beside it"
            dpkg-deb -x "$b" "$x" || die "cannot unpack $b"
        fi
    }
}
