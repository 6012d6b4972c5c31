# qemu.sh - sourced by mkinitrd.sh: a QEMU for L1 (the lab's guest) to run
# an L2 guest with -accel kvm (nested SVM) and vfio-pci.
#
# qemu_stage SPEC ROOT puts into the initramfs tree ROOT:
#   /opt/qemu/bin/qemu-system-x86_64   the binary
#   /opt/qemu/lib/                     every library the loader resolves for
#                                      it (ld.so --list), and the loader
#   /opt/qemu/share/                   firmware: bios-256k.bin, the
#                                      linuxboot/multiboot/pvh option ROMs,
#                                      kvmvapic.bin (see QEMU_FW)
#   /bin/qemu-system-x86_64            a wrapper that runs the binary through
#                                      its own loader with --library-path
#                                      and -L /opt/qemu/share
#   /opt/qemu/source                   what was staged (SPEC, version, sizes)
# The cloud kernels have no 9p, hence copies. The explicit loader lets a
# QEMU built against a newer libc than the host's (Debian unstable's) run
# beside busybox; the host's QEMU goes the same way.
# SPEC: "" or "host" (/usr/bin/qemu-system-x86_64 and the host's firmware),
#   a binary, a directory holding bin/qemu-system-x86_64 or
#   qemu-system-x86_64 (libraries and firmware beside it are used first), a
#   qemu-system-x86 .deb (unpacked; libraries from the host), or "sid"
#   (lab/qemu-sid.sh: Debian unstable's QEMU with its own libraries).
# Needs: die (mkinitrd.sh), LAB_DIR, CACHE.

# What -machine q35|pc -nodefaults -vga none -kernel needs (read in QEMU
# 7.2): the BIOS (pc_q35_machine_options and pc_i440fx_machine_options set
# default_machine_opts "firmware=bios-256k.bin"), kvmvapic.bin (the TPR
# patching ROM apic_common_realize adds with vapic=on, the default, under
# TCG and KVM alike), and the option ROM -kernel uses: load_multiboot picks
# multiboot_dma.bin when fw_cfg DMA is on (multiboot.bin otherwise; virq's
# guest is Multiboot), linuxboot(_dma).bin for Linux, pvh.bin for a PVH
# ELF. Later QEMU dropped the non-DMA ROMs (sid's 11.1.3 has neither
# multiboot.bin nor linuxboot.bin): those of QEMU_FW_OPT it has are taken.
# No VGA BIOS with -vga none; vfio-pci's ROM comes from the device.
# shellcheck disable=SC2086  # QEMU_FW_DIRS is a word list, split on purpose
QEMU_FW="bios-256k.bin kvmvapic.bin"
QEMU_FW_OPT="multiboot_dma.bin multiboot.bin linuxboot_dma.bin linuxboot.bin pvh.bin"
# where Debian's qemu-system-data, seabios and ipxe-qemu put them
QEMU_FW_DIRS="/usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu"

qemu_bin_of() {  # $1 = directory: the qemu-system-x86_64 in it, if any
    for b in "$1/usr/bin/qemu-system-x86_64" "$1/bin/qemu-system-x86_64" \
             "$1/qemu-system-x86_64"; do
        [ ! -x "$b" ] || { echo "$b"; return 0; }
    done
    return 1
}

# The libraries a binary needs, as its loader resolves them with a library
# path ahead of the loader's defaults; "MISSING why" for what it cannot
# load ("libX: cannot open shared object file", "version `GLIBC_2.38' not
# found": a binary built for a newer libc than the loader's)
qemu_libs() {  # $1 = binary, $2 = loader, $3 = library path
    "$2" --library-path "$3" --list "$1" 2>&1 |
        awk '/not found|error while loading/ {
                 sub(/^.*error while loading shared libraries: /, ""); sub(/ \(required by.*/, "")
                 print "MISSING " $0; next }
             $2 == "=>" && $3 ~ /^\// {print $3; next}
             $1 ~ /^\// {print $1}'
}

# sh has no locals: the fw_ names must not be any caller's
qemu_copy_fw() {  # $1 = dest, $2... = directories, first wins
    fw_dst=$1; shift
    for fw_f in $QEMU_FW $QEMU_FW_OPT; do
        for fw_d in "$@"; do
            [ -f "$fw_d/$fw_f" ] || continue
            cp -L "$fw_d/$fw_f" "$fw_dst/$fw_f" || die "cannot copy firmware $fw_d/$fw_f"
            break
        done
        case " $QEMU_FW " in *" $fw_f "*)
            [ -f "$fw_dst/$fw_f" ] || die "QEMU firmware $fw_f not found in $*" ;;
        esac
    done
    ls "$fw_dst"/multiboot*.bin >/dev/null 2>&1 ||
        die "no multiboot option ROM (multiboot_dma.bin, multiboot.bin) in $*"
}

# $1 = binary, $2 = loader, $3 = library path, $4 = ROOT, $5... = firmware dirs
qemu_install() {
    bin=$1 ld=$2 lp=$3 root=$4; shift 4
    q=$root/opt/qemu
    mkdir -p "$q/bin" "$q/lib" "$q/share" "$root/bin"
    [ -x "$ld" ] || die "no loader $ld for $bin"
    cp -L "$bin" "$q/bin/qemu-system-x86_64" || die "cannot copy $bin"
    libs=$(qemu_libs "$bin" "$ld" "$lp") || die "$ld cannot list $bin"
    miss=$(echo "$libs" | sed -n 's/^MISSING //p' | sort -u | tr '\n' ';')
    [ -z "$miss" ] || die "$ld cannot load $bin: $miss (library path $lp)"
    for l in $libs; do cp -L "$l" "$q/lib/" || die "cannot copy $l"; done
    cp -L "$ld" "$q/lib/ld-linux-x86-64.so.2"
    qemu_copy_fw "$q/share" "$@"
    cat > "$root/bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# lab/qemu.sh: the staged QEMU through its own loader and libraries
exec /opt/qemu/lib/ld-linux-x86-64.so.2 --library-path /opt/qemu/lib \
    /opt/qemu/bin/qemu-system-x86_64 -L /opt/qemu/share "$@"
EOF
    chmod 755 "$root/bin/qemu-system-x86_64"
}

qemu_host_ld() {
    for l in /lib64/ld-linux-x86-64.so.2 /usr/lib64/ld-linux-x86-64.so.2; do
        [ ! -x "$l" ] || { echo "$l"; return 0; }
    done
    die "no ld-linux-x86-64.so.2 on this host"
}

qemu_stage() {  # $1 = SPEC, $2 = ROOT
    spec=$1 root=$2 hostlp=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
    case $spec in
    '' | host)
        qemu_install /usr/bin/qemu-system-x86_64 "$(qemu_host_ld)" "$hostlp" \
            "$root" $QEMU_FW_DIRS
        src="host /usr/bin/qemu-system-x86_64" ;;
    sid)
        # shellcheck source=lab/qemu-sid.sh
        . "$LAB_DIR/qemu-sid.sh"
        sr=$(qemu_sid_sysroot) || die "Debian unstable's QEMU could not be fetched"
        qemu_install "$sr/usr/bin/qemu-system-x86_64" \
            "$sr/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
            "$sr/usr/lib/x86_64-linux-gnu:$sr/lib/x86_64-linux-gnu" "$root" \
            "$sr/usr/share/qemu" "$sr/usr/share/seabios" "$sr/usr/lib/ipxe/qemu"
        src="sid $(cat "$sr/source" 2>/dev/null)" ;;
    *.deb)
        [ -f "$spec" ] || die "no such QEMU package: $spec"
        # unpacked inside ROOT, so mkinitrd's exit trap removes it on failure;
        # removed by its literal name (a variable could have been reused)
        mkdir "$root/.qemu-deb" || die "cannot create $root/.qemu-deb"
        dpkg-deb -x "$spec" "$root/.qemu-deb" || die "cannot unpack $spec"
        b=$(qemu_bin_of "$root/.qemu-deb") || die "$spec has no qemu-system-x86_64"
        qemu_install "$b" "$(qemu_host_ld)" \
            "$root/.qemu-deb/usr/lib/x86_64-linux-gnu:$hostlp" \
            "$root" "$root/.qemu-deb/usr/share/qemu" $QEMU_FW_DIRS
        rm -rf "${root:?}/.qemu-deb"
        src="deb $spec" ;;
    *)
        if [ -d "$spec" ]; then
            b=$(qemu_bin_of "$spec") || die "no qemu-system-x86_64 in $spec"
            bd=$(dirname "$b")
            qemu_install "$b" "$(qemu_host_ld)" "$bd:$bd/../lib:$spec/lib:$hostlp" \
                "$root" "$bd" "$bd/../share/qemu" "$spec/share/qemu" "$spec/pc-bios" \
                $QEMU_FW_DIRS
        else
            [ -x "$spec" ] || die "QEMU '$spec' is not an executable, a .deb, a directory or 'sid'"
            qemu_install "$spec" "$(qemu_host_ld)" "$hostlp" "$root" \
                "$(dirname "$spec")" $QEMU_FW_DIRS
        fi
        src="file $spec" ;;
    esac
    {
        echo "$src"
        "$root/opt/qemu/lib/ld-linux-x86-64.so.2" --library-path "$root/opt/qemu/lib" \
            "$root/opt/qemu/bin/qemu-system-x86_64" --version 2>&1 | head -n1
        du -sk "$root/opt/qemu" | awk '{print "staged " int($1 / 1024 + 0.5) " MB"}'
    } > "$root/opt/qemu/source"
}
