"""The lab's build: QEMU's configuration, incremental laying of the
project's QEMU files, the patch series, the initramfs."""

import os
import subprocess

from labrun import TOP, lab_kernel_abi, read_lab_conf

QEMU_WORK = os.path.join(TOP, "build/vm/qemu")
STANDARD_HEADERS = {
    "include/virtio_cryptodev.h": "include/standard-headers/linux/virtio_cryptodev.h",
    "include/crypto/cryptodev.h": "include/standard-headers/linux/cryptodev.h",
}


def test_qemu_crypto_layer_uses_nettle():
    with open(os.path.join(QEMU_WORK, "configure.log")) as f:
        summary = f.read()
    lines = [l.split() for l in summary.splitlines()]
    assert ["nettle", ":", "YES"] in [l[:3] for l in lines]


def test_qemu_is_version_10_0():
    qemu = os.path.join(QEMU_WORK, "build/qemu-system-x86_64")
    out = subprocess.run([qemu, "--version"], capture_output=True, text=True).stdout
    assert out.startswith("QEMU emulator version %s" % read_lab_conf()["LAB_QEMU_UPSTREAM"])


def test_shared_headers_are_in_the_qemu_tree():
    for repo_path, tree_path in STANDARD_HEADERS.items():
        if not os.path.exists(os.path.join(TOP, repo_path)):
            continue
        with open(os.path.join(TOP, repo_path), "rb") as a, \
                open(os.path.join(QEMU_WORK, "src", tree_path), "rb") as b:
            assert a.read() == b.read(), tree_path


def test_relaying_unchanged_files_touches_nothing():
    src = os.path.join(QEMU_WORK, "src")
    with open(os.path.join(QEMU_WORK, "laid.list")) as f:
        laid = f.read().split()
    before = {p: os.stat(os.path.join(src, p)).st_mtime_ns
              for p in laid if os.path.exists(os.path.join(src, p))}
    proc = subprocess.run([os.path.join(TOP, "vm/qemu-build"), "--prepare"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "laid " not in proc.stderr and "removed " not in proc.stderr, proc.stderr
    after = {p: os.stat(os.path.join(src, p)).st_mtime_ns for p in before}
    assert before == after


def test_edk2_unpacking_is_off_only_in_the_build_tree():
    def line(tree):
        with open(os.path.join(QEMU_WORK, tree, "meson.build")) as f:
            return [l.strip() for l in f if "unpack_edk2_blobs = " in l][-1]
    assert line("pristine") == "unpack_edk2_blobs = bzip2.found()"
    assert line("src") == "unpack_edk2_blobs = false"


def test_patch_series_is_git_format():
    proc = subprocess.run([os.path.join(TOP, "vm/qemu-format-patches")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = os.path.join(TOP, "build/qemu-patches")
    patches = sorted(os.listdir(out))
    assert patches, "the shared headers alone make one patch"
    for name in patches:
        with open(os.path.join(out, name)) as f:
            text = f.read()
        assert text.startswith("From "), name
        assert "\nSubject: [PATCH" in text, name
        assert "\ndiff --git a/" in text, name


def test_initramfs_has_modprobe_data_and_the_test_module():
    kver = lab_kernel_abi(read_lab_conf()) + "-amd64"
    listing = subprocess.run(["cpio", "-it", "--quiet"],
                             stdin=open(os.path.join(TOP, "build/vm/initramfs.cpio"), "rb"),
                             capture_output=True, text=True).stdout.split()
    assert "init" in listing
    assert "lib/modules/%s/modules.dep" % kver in listing
    assert "lib/modules/%s/extra/lab_oops.ko" % kver in listing
    assert not [p for p in listing if p.endswith(".ko.xz")], "modules must be decompressed"
