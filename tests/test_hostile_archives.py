"""Model paths and zip archives built to hurt: a FIFO, /dev/zero, lying sizes, gigabytes hidden
behind kilobytes. Each is refused (or read within its declared size) without a large
allocation, which the memory-capped subprocesses below prove: under ``ulimit -v`` of 1.5 GB the
load ends with deepcat's sentence, not a ``MemoryError``."""

import io
import json
import os
import resource
import struct
import subprocess
import sys
import tracemalloc
import zlib

import numpy as np
import pytest

from cli_runner import assert_user_error, deepcat
from deepcat import Network
from deepcat.core.memory import NotEnoughMemoryError
from helpers.models import model_contents, small_model

CAP = 1_500_000_000
"""The address-space limit of the capped subprocesses: 1.5 GB."""
ZIP64 = 0xFFFFFFFF


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


class Entry:
    """One zip member, written by hand so that every field can lie.

    ``data`` is the uncompressed content; ``stream`` (deflate, raw) replaces its compression,
    ``size`` and ``crc`` replace the values the directory declares.
    """

    def __init__(self, name, data=b"", method=0, stream=None, size=None, crc=None, flags=0):
        self.name, self.method, self.flags = name.encode(), method, flags
        if stream is None:
            stream = data if method == 0 else _deflate(data)
        self.stream = stream
        self.size = len(data) if size is None else size
        self.crc = zlib.crc32(data) if crc is None else crc


def _deflate(data):
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _write_zip(path, entries):
    body, directory = bytearray(), bytearray()
    for entry in entries:
        sizes, extra = (entry.stream.__len__(), entry.size), b""
        if max(sizes) >= ZIP64:
            extra = struct.pack("<HHQQ", 1, 16, entry.size, len(entry.stream))
            sizes = (ZIP64, ZIP64)
        fields = (20, entry.flags, entry.method, 0, 0, entry.crc, sizes[0], sizes[1])
        name = entry.name
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(name), len(extra))
        directory += struct.pack("<IH", 0x02014B50, 20)
        directory += struct.pack(
            "<HHHHHIIIHHHHHII", *fields, len(name), len(extra), 0, 0, 0, 0, len(body)
        )
        directory += name + extra
        body += local + name + extra + entry.stream
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    path.write_bytes(bytes(body + directory + end))
    return path


def _good_entries():
    arrays, header = model_contents(small_model())
    entries = [Entry(f"{name}.npy", _npy(value)) for name, value in arrays.items()]
    return entries + [Entry("__deepcat__.npy", _npy(np.array(json.dumps(header))))]


def _with(entries, name, **changes):
    """``entries`` with the member ``name`` replaced by ``Entry(name, **changes)``."""
    return [Entry(name, **changes) if e.name.decode() == name else e for e in entries]


def _load_error(path):
    with pytest.raises(ValueError) as caught:
        Network.load(path)
    assert str(path) in str(caught.value)
    return str(caught.value)


def test_the_hand_written_zip_is_a_model(tmp_path):
    loaded = Network.load(_write_zip(tmp_path / "good.npz", _good_entries()))
    np.testing.assert_array_equal(loaded.parameters["W2"], small_model().parameters["W2"])


W1 = _npy(small_model().parameters["W1"])


@pytest.mark.parametrize(
    ("entries", "fragment"),
    [
        (lambda e: e + [Entry("W1.npy", W1)], "it holds two members named 'W1.npy'"),
        (lambda e: e + [Entry("../W1.npy", W1)], "holds '../W1.npy', which is not an array"),
        (lambda e: e + [Entry("/etc/passwd", b"root")], "holds '/etc/passwd', which is not"),
        (lambda e: e + [Entry("W1.npy/", b"")], "holds 'W1.npy/', which is not an array"),
        (lambda e: _with(e, "W1.npy", data=W1, size=2**62), "declares 4,611,686,018,427,387,904"),
        (
            lambda e: _with(e, "W1.npy", data=W1, size=200, crc=zlib.crc32(W1[:200])),
            "declares 200 bytes, but an .npy",
        ),
        (lambda e: _with(e, "W1.npy", data=W1, crc=12345), "(Bad CRC-32 for file 'W1.npy')"),
        (
            lambda e: _with(e, "W1.npy", data=W1[:-8], size=len(W1)),
            "'W1.npy' ends after 280 of its 288 bytes",
        ),
        (lambda e: _with(e, "W1.npy", data=W1, flags=1), "its member 'W1.npy' is encrypted"),
        (
            lambda e: _with(e, "W1.npy", data=W1, method=12),
            "uses zip compression method 12; numpy writes stored or deflate",
        ),
        (
            lambda e: _with(e, "W1.npy", data=b"\x93NUMPY\x02\x00" + struct.pack("<I", 10**6)),
            "'W1.npy' is not a .npy array",
        ),
        (lambda e: _with(e, "W1.npy", data=b"PK\x03\x04 not numpy"), "is not a .npy array"),
        (lambda e: _with(e, "W1.npy", data=b"\x93NUMPY\x03\x00"), "of .npy version (3, 0)"),
    ],
)
def test_each_archive_lie_is_refused(tmp_path, entries, fragment):
    path = _write_zip(tmp_path / "bad.npz", entries(_good_entries()))
    message = _load_error(path)
    assert "not a readable deepcat model" in message or "which is not an array" in message
    assert fragment in message, message


def test_a_member_inflating_past_its_declared_size_is_read_only_that_far(tmp_path):
    """W1's deflate stream goes on into 256 MB of zeros; only its declared 416 bytes are read."""
    stream = _deflate(W1 + bytes(1 << 28))
    path = _write_zip(
        tmp_path / "m.npz", _with(_good_entries(), "W1.npy", data=W1, method=8, stream=stream)
    )
    tracemalloc.start()
    try:
        loaded = Network.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(loaded.parameters["W1"], small_model().parameters["W1"])
    assert peak < 20_000_000, peak


def _capped(*command, cwd):
    """Run ``command`` under an address-space limit of :data:`CAP` bytes."""

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return subprocess.run(
        command, cwd=cwd, env=env, preexec_fn=limit, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def four_gigabytes_of_zeros():
    """A deflate stream of 2**32 zero bytes (19 MB) and its CRC-32, made in seconds: after a full
    flush every 16 MiB block of zeros compresses to the same bytes."""
    block, compressor = bytes(1 << 24), zlib.compressobj(1, zlib.DEFLATED, -15)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(block) + compressor.flush()
    crc = 0
    for _ in range(256):
        crc = zlib.crc32(block, crc)
    return first + repeated * 254 + last, crc


def test_an_extra_member_of_4_gigabytes_is_never_read(tmp_path, four_gigabytes_of_zeros):
    stream, crc = four_gigabytes_of_zeros
    extra = Entry("extra.npy", method=8, stream=stream, size=2**32, crc=crc)
    _write_zip(tmp_path / "BAD.npz", _good_entries() + [extra])
    assert (tmp_path / "BAD.npz").stat().st_size < 20_000_000
    result = _capped(sys.executable, "-m", "deepcat", "inspect", "BAD.npz", cwd=tmp_path)
    assert_user_error(result, 1, "BAD.npz", "holds 'extra.npy', which is not an array")


def test_the_35000_square_header_is_refused_under_a_memory_cap(tmp_path):
    arrays, header = model_contents(small_model())
    header["layer_dims"], header["metadata"] = [35000, 35000, 1], {}
    with open(tmp_path / "BAD.npz", "wb") as handle:
        np.savez(handle, **arrays, __deepcat__=np.array(json.dumps(header)))
    assert (tmp_path / "BAD.npz").stat().st_size < 4_000
    result = _capped(sys.executable, "-m", "deepcat", "predict", "BAD.npz", "x.png", cwd=tmp_path)
    assert_user_error(result, 1, "BAD.npz", "W1 has shape (3, 12), expected (35000, 35000)")


def test_a_consistent_claim_beyond_memory_is_refused_before_reading(tmp_path):
    """Every size agrees on a 2 GB W1 (16000, 16000); the data is not there, and is never
    asked for: check_fits refuses first."""
    network = Network([16000, 1, 1], seed=0)
    arrays, header = model_contents(network)
    header["layer_dims"] = [16000, 16000, 1]
    arrays["W2"], arrays["b1"] = np.zeros((1, 16000)), np.zeros((16000, 1))
    entries = [Entry(f"{k}.npy", _npy(v)) for k, v in arrays.items() if k != "W1"]
    head = _npy(np.zeros((1, 1)))[:128].replace(b"(1, 1)", b"(16000, 16000)").replace(b"   }", b"}")
    head = head[:127].ljust(127) + b"\n"
    entries.append(Entry("W1.npy", head, size=128 + 16000 * 16000 * 8))
    entries.append(Entry("__deepcat__.npy", _npy(np.array(json.dumps(header)))))
    _write_zip(tmp_path / "big.npz", entries)
    script = (
        "import sys\nfrom deepcat import Network\ntry:\n    Network.load('big.npz')\n"
        "except MemoryError as error:\n    print(type(error).__name__, error)\n"
    )
    result = _capped(sys.executable, "-c", script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("NotEnoughMemoryError big.npz: the network"), result.stdout
    assert "W1 of shape (16000, 16000)) needs 2.0 GB of memory, but only" in result.stdout


def test_a_billion_hidden_units_are_refused_before_drawing():
    tracemalloc.start()
    try:
        with pytest.raises(NotEnoughMemoryError) as caught:
            Network([12288, 1_000_000_000, 1])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "W1 of shape (1000000000, 12288)" in str(caught.value)
    # 12288e9 weights in W1, 1e9 biases in b1, 1e9 weights in W2, 1 bias in b2
    assert "12,290,000,000,001 parameters" in str(caught.value)
    assert "of memory, but only" in str(caught.value)
    assert peak < 1_000_000


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: path.mkdir(), "is a folder, not a model file"),
        (lambda path: os.mkfifo(path), "is a named pipe (FIFO), not a model file"),
        (lambda path: path.symlink_to("/dev/zero"), "is a character device, not a model file"),
        (lambda path: path.symlink_to(path.parent / "absent.npz"), "no model file at"),
    ],
)
@pytest.mark.parametrize("command", ["inspect", "predict", "evaluate"])
def test_a_model_path_that_is_not_a_regular_file_is_named_at_once(tmp_path, make, kind, command):
    make(tmp_path / "model.npz")
    extra = ["x.png"] if command == "predict" else []
    result = deepcat(command, "model.npz", *extra, cwd=tmp_path, timeout=60)
    assert_user_error(result, 1, "model.npz", kind)


def test_a_symlink_to_a_model_is_followed(tmp_path):
    small_model().save(tmp_path / "real.npz")
    (tmp_path / "link.npz").symlink_to(tmp_path / "real.npz")
    assert Network.load(tmp_path / "link.npz").layer_dims == [12, 3, 1]
