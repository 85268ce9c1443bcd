"""deepcat.data.images on hostile and unusual picture files: every colour mode Pillow writes,
pictures beyond the pixel limit, and paths that are not regular files."""

import os
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from PIL import Image

from deepcat.data.images import MAX_PIXELS, load_image

RED = (255, 0, 0)


def _gray(path, size=(8, 8)):
    return load_image(path, size, channels=1)[..., 0]


# -- wide modes: by their real range --------------------------------------------------------


def test_sixteen_bit_grayscale_png_by_its_range(tmp_path):
    # 65535 is white; 32768 / 257 = 127.5 -> 128; 25700 = 100 * 257 -> 100
    values = np.array([[0, 65535], [32768, 25700]], dtype=np.uint16)
    Image.fromarray(values).save(tmp_path / "gray16.png")
    with Image.open(tmp_path / "gray16.png") as image:
        assert image.mode == "I;16"
    np.testing.assert_array_equal(_gray(tmp_path / "gray16.png", (2, 2)), [[0, 255], [128, 100]])


def test_half_of_sixteen_bits_is_mid_gray(tmp_path):
    Image.fromarray(np.full((16, 16), 65535 // 2, dtype=np.uint16)).save(tmp_path / "half.png")
    assert set(_gray(tmp_path / "half.png").ravel()) <= {127, 128}
    rgb = load_image(tmp_path / "half.png", (4, 4))
    assert rgb.shape == (4, 4, 3) and 127 <= rgb.min() <= rgb.max() <= 128


@pytest.mark.parametrize("mode", ["I;16", "I;16B"])
def test_sixteen_bit_tiff(tmp_path, mode):
    Image.new(mode, (4, 4), 51400).save(tmp_path / "gray16.tiff")  # 51400 = 200 * 257
    with Image.open(tmp_path / "gray16.tiff") as image:
        assert image.mode == mode
    np.testing.assert_array_equal(_gray(tmp_path / "gray16.tiff", (4, 4)), 200)


def test_sixteen_bit_pgm_is_read_by_its_range(tmp_path):
    # Pillow opens a 16-bit PGM in its 32-bit mode I, holding the 16-bit levels.
    Image.fromarray(np.full((4, 4), 40000, dtype=np.uint16)).save(tmp_path / "gray.pgm")
    with Image.open(tmp_path / "gray.pgm") as image:
        assert image.mode == "I"
    # 40000 * 255 / 65535 = 155.64 -> 156
    np.testing.assert_array_equal(_gray(tmp_path / "gray.pgm", (4, 4)), 156)


def test_thirty_two_bit_integer_tiff_by_the_signed_range(tmp_path):
    full = 2**31 - 1
    values = np.array([[0, full], [full // 4, round(full * 0.4)]], dtype=np.int32)
    Image.fromarray(values).save(tmp_path / "gray32.tiff")
    # a quarter: 63.75 -> 64; 0.4: 102
    np.testing.assert_array_equal(_gray(tmp_path / "gray32.tiff", (2, 2)), [[0, 255], [64, 102]])


def test_negative_integer_pixels_are_refused(tmp_path):
    Image.fromarray(np.array([[-5, 10]], dtype=np.int32)).save(tmp_path / "negative.tiff")
    with pytest.raises(ValueError, match=r"negative.tiff: holds negative pixel values \(-5\)"):
        load_image(tmp_path / "negative.tiff", (1, 2))


def test_float_tiff_in_zero_to_one_is_intensity(tmp_path):
    values = np.array([[0.0, 1.0], [0.25, 0.5]], dtype=np.float32)
    Image.fromarray(values).save(tmp_path / "float.tiff")
    with Image.open(tmp_path / "float.tiff") as image:
        assert image.mode == "F"
    # 0.25 * 255 = 63.75 -> 64; 0.5 * 255 = 127.5 -> 128
    np.testing.assert_array_equal(_gray(tmp_path / "float.tiff", (2, 2)), [[0, 255], [64, 128]])


def test_float_tiff_above_one_is_eight_bit_levels(tmp_path):
    values = np.array([[0.0, 255.0], [100.0, 2.0]], dtype=np.float32)
    Image.fromarray(values).save(tmp_path / "levels.tiff")
    np.testing.assert_array_equal(_gray(tmp_path / "levels.tiff", (2, 2)), [[0, 255], [100, 2]])


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (np.nan, "NaN or infinite"),
        (np.inf, "NaN or infinite"),
        (-0.5, "from -0.5 to 1"),
        (300.0, "from 0 to 300"),
    ],
)
def test_float_values_outside_both_ranges_are_refused(tmp_path, value, match):
    Image.fromarray(np.array([[0.0, 1.0, value]], dtype=np.float32)).save(tmp_path / "f.tiff")
    with pytest.raises(ValueError, match=rf"f.tiff: holds (float )?.*{match}"):
        load_image(tmp_path / "f.tiff", (1, 3))


# -- 8-bit modes: converted by Pillow by their meaning --------------------------------------


def test_one_bit_picture(tmp_path):
    picture = Image.new("1", (4, 2), 0)
    picture.paste(1, (2, 0, 4, 2))
    picture.save(tmp_path / "bits.png")
    with Image.open(tmp_path / "bits.png") as image:
        assert image.mode == "1"
    np.testing.assert_array_equal(_gray(tmp_path / "bits.png", (2, 4)), [[0, 0, 255, 255]] * 2)


@pytest.mark.parametrize(
    ("mode", "value", "rgb"),
    [
        ("CMYK", (0, 255, 255, 0), RED),  # no cyan, full magenta and yellow: red
        ("YCbCr", (76, 85, 255), (254, 0, 0)),  # red in JPEG's YCbCr
        ("LAB", (128, 128, 128), (119, 119, 119)),  # L* = 50, neutral: sRGB 119
    ],
)
def test_colour_spaces_in_tiff(tmp_path, mode, value, rgb):
    Image.new(mode, (4, 4), value).save(tmp_path / "colour.tiff")
    with Image.open(tmp_path / "colour.tiff") as image:
        assert image.mode == mode
    expected = np.full((4, 4, 3), rgb)
    np.testing.assert_array_equal(load_image(tmp_path / "colour.tiff", (4, 4)), expected)


def test_cmyk_jpeg(tmp_path):
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(tmp_path / "cmyk.jpg", quality=100)
    pixels = load_image(tmp_path / "cmyk.jpg", (4, 4))
    assert pixels[..., 0].min() > 240 and pixels[..., 1:].max() < 15


def test_gray_with_alpha_over_white(tmp_path):
    la = np.zeros((2, 2, 2), dtype=np.uint8)
    la[0] = (100, 255)  # opaque gray 100
    la[1] = (100, 0)  # fully transparent
    Image.fromarray(la, "LA").save(tmp_path / "la.png")
    np.testing.assert_array_equal(_gray(tmp_path / "la.png", (2, 2)), [[100, 100], [255, 255]])


def test_palette_with_alpha_in_tiff(tmp_path):
    picture = Image.new("PA", (2, 2))
    picture.putpalette([0, 0, 0, *RED] + [0] * 762)
    picture.putdata([(1, 255), (1, 255), (1, 0), (1, 0)])
    picture.save(tmp_path / "pa.tiff")
    with Image.open(tmp_path / "pa.tiff") as image:
        assert image.mode == "PA"
    pixels = load_image(tmp_path / "pa.tiff", (2, 2))
    np.testing.assert_array_equal(pixels[0], [RED, RED])
    np.testing.assert_array_equal(pixels[1], 255)


@pytest.mark.parametrize("suffix", ["gif", "png", "webp"])
def test_an_animation_is_read_at_its_first_frame(tmp_path, suffix):
    frames = [Image.new("RGB", (8, 8), colour) for colour in (RED, (0, 0, 255))]
    path = tmp_path / f"moving.{suffix}"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, lossless=True)
    with Image.open(path) as image:
        assert image.n_frames == 2
    pixels = load_image(path, (8, 8))
    assert pixels[..., 0].min() > 240 and pixels[..., 2].max() < 15


# -- size: the pixel limit ------------------------------------------------------------------


def _png_header_only(path, width, height):
    """A PNG that declares ``width x height`` but whose picture data is cut short."""

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + data)
    return path


@pytest.mark.parametrize(
    ("width", "height", "match"),
    [
        (10000, 9500, r"10000x9500 pixels \(95.0 megapixels\)"),
        (13000, 13000, r"13000x13000 pixels \(169.0 megapixels\)"),
        (8001, 8000, r"8001x8000 pixels \(64.0 megapixels\)"),
        (30000, 30000, "too large to open"),  # past Pillow's own error, at 179 megapixels
    ],
)
def test_pictures_beyond_the_limit_are_refused_from_the_header(tmp_path, width, height, match):
    assert width * height > MAX_PIXELS
    path = _png_header_only(tmp_path / "huge.png", width, height)
    with pytest.raises(ValueError, match=rf"huge.png: the picture is {match}.*up to 64 megapixels"):
        load_image(path, (64, 64))


def test_a_100000x100000_png_is_refused_in_one_plain_sentence(tmp_path):
    _png_header_only(tmp_path / "huge.png", 100_000, 100_000)
    with pytest.raises(ValueError) as caught:
        load_image(tmp_path / "huge.png", (64, 64))
    assert str(caught.value) == (
        f"{tmp_path / 'huge.png'}: the picture is too large to open (Pillow refuses it as a "
        "decompression bomb); deepcat reads pictures of up to 64 megapixels; shrink it first"
    )


def test_a_real_95_megapixel_png_is_refused_without_pillows_warning(tmp_path):
    # One colour in 1-bit mode: 12 MB in memory, a few KB on disk.
    Image.new("1", (10000, 9500), 1).save(tmp_path / "big.png")
    assert (tmp_path / "big.png").stat().st_size < 100_000
    script = (
        "import sys; from deepcat.data.images import load_image\n"
        "try: load_image(sys.argv[1], (64, 64))\n"
        "except ValueError as error: print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", script, str(tmp_path / "big.png")],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert "95.0 megapixels" in result.stdout
    assert "DecompressionBomb" not in result.stderr and result.stderr == ""


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(tmp_path):
    """A 48-megapixel JPEG needs 144 MB decoded whole; read for 64x64 it stays far below."""
    Image.new("RGB", (8000, 6000), (200, 30, 30)).save(tmp_path / "photo.jpg", quality=90)
    script = (
        "import sys; from deepcat.data.images import load_image\n"
        "pixels = load_image(sys.argv[1], (64, 64))\n"
        "print(pixels[..., 0].mean(), pixels[..., 2].mean())\n"
        # the peak resident memory of this process image (reset by exec, unlike ru_maxrss)
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "photo.jpg")],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)},
    )
    colours, peak_kb = result.stdout.splitlines()
    red, blue = (float(v) for v in colours.split())
    assert abs(red - 200) < 4 and abs(blue - 30) < 4
    assert int(peak_kb) * 1024 < 144_000_000  # the whole decoded picture alone would exceed it


def test_an_exif_orientation_out_of_range_is_ignored(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 9  # the EXIF values stop at 8
    Image.new("RGB", (20, 10), RED).save(tmp_path / "odd.jpg", exif=exif, quality=95)
    assert load_image(tmp_path / "odd.jpg", (10, 20)).shape == (10, 20, 3)


# -- paths that are not regular files -------------------------------------------------------


def test_a_folder_is_named_as_one(tmp_path):
    (tmp_path / "album.png").mkdir()
    with pytest.raises(ValueError, match="album.png is a folder, not a picture file"):
        load_image(tmp_path / "album.png", (8, 8))


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.png")  # no writer: opening it for reading would block
    with pytest.raises(ValueError, match=r"pipe.png is a named pipe \(FIFO\), not a picture"):
        load_image(tmp_path / "pipe.png", (8, 8))


def test_dev_zero_is_refused_without_reading(tmp_path):
    with pytest.raises(ValueError, match="/dev/zero is a character device, not a picture file"):
        load_image("/dev/zero", (8, 8))


def test_an_empty_file(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty.jpg is empty \(0 bytes\), not a picture file"):
        load_image(tmp_path / "empty.jpg", (8, 8))


def test_a_symlink_loop(tmp_path):
    (tmp_path / "loop.png").symlink_to(tmp_path / "loop.png")
    with pytest.raises(OSError, match="loop.png"):
        load_image(tmp_path / "loop.png", (8, 8))


REFUSED_UNOPENED = """
import os, sys
from pathlib import Path
import h5py, PIL.Image  # imported first: only the opens of the reads below are recorded
from deepcat import Network
from deepcat.data.h5_files import open_h5
from deepcat.data.images import load_image
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
folder = Path(sys.argv[1])
os.mkfifo(folder / "pipe")
readers = [
    lambda path: load_image(path, (8, 8)),
    Network.load,
    lambda path: open_h5(path).__enter__(),
]
for path in ("/dev/zero", "/dev/null", folder / "pipe", folder):
    for read in readers:
        try:
            read(path)
        except ValueError as error:
            print(error)
        else:
            sys.exit(f"{path} was read")
print("opened:", sorted({name for name in opened if name in {"/dev/zero", "/dev/null",
      str(folder / "pipe"), str(folder)}}))
"""


def test_devices_pipes_and_folders_are_refused_before_they_are_opened(tmp_path):
    """Opening alone can act (``/dev/watchdog`` starts its timer, a FIFO wakes its writer):
    Python's audit hook sees every open, and none reaches these paths."""
    result = subprocess.run(
        [sys.executable, "-c", REFUSED_UNOPENED, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "opened: []"
    pipe, folder = tmp_path / "pipe", tmp_path
    assert lines[:-1] == [
        f"{path} is {kind}, not a {what}"
        for path, kind in (
            ("/dev/zero", "a character device"),
            ("/dev/null", "a character device"),
            (pipe, "a named pipe (FIFO)"),
            (folder, "a folder"),
        )
        for what in ("picture file", "model file", "HDF5 file")
    ]


def test_is_regular_file_tells_files_from_everything_else(tmp_path):
    from deepcat.data.files import is_regular_file

    (tmp_path / "photo.jpg").write_bytes(b"x")
    (tmp_path / "link.jpg").symlink_to(tmp_path / "photo.jpg")
    os.mkfifo(tmp_path / "pipe")
    assert is_regular_file(tmp_path / "photo.jpg") and is_regular_file(tmp_path / "link.jpg")
    for other in (tmp_path, tmp_path / "pipe", "/dev/zero", tmp_path / "absent", "a\0b"):
        assert not is_regular_file(other), other
