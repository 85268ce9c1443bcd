"""deepcat.data.images on real picture files written with Pillow."""

import numpy as np
import pytest
from PIL import Image

from deepcat.data.images import load_image, to_dataset_range
from deepcat.data.preprocessing import image_inputs, image_record
from deepcat.network import Network

RED, BLUE, WHITE = (220, 20, 20), (20, 20, 220), (255, 255, 255)


def _halves(width, height, first, second, vertical=True):
    """A picture whose left (vertical=True) or top half is ``first`` and the rest ``second``."""
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    if vertical:
        pixels[:, : width // 2], pixels[:, width // 2 :] = first, second
    else:
        pixels[: height // 2], pixels[height // 2 :] = first, second
    return Image.fromarray(pixels)


@pytest.mark.parametrize("suffix", ["jpg", "png", "gif", "bmp", "webp", "tiff"])
def test_every_common_format_comes_out_at_the_requested_size(tmp_path, suffix):
    path = tmp_path / f"picture.{suffix}"
    _halves(300, 200, RED, BLUE).save(path)
    pixels = load_image(path, (64, 64))
    assert pixels.shape == (64, 64, 3) and pixels.dtype == np.uint8
    # lossy formats blur the colours a little; the halves keep their dominant channel
    assert pixels[32, 5, 0] > 150 > pixels[32, 5, 2]
    assert pixels[32, 58, 2] > 150 > pixels[32, 58, 0]


def test_same_size_png_is_read_bit_for_bit(tmp_path):
    pixels = np.random.default_rng(0).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "exact.png")
    np.testing.assert_array_equal(load_image(tmp_path / "exact.png", (64, 64)), pixels)


def test_transparent_pixels_are_laid_over_white(tmp_path):
    rgba = np.zeros((20, 20, 4), dtype=np.uint8)
    rgba[:, :10] = (*RED, 255)  # opaque red on the left
    rgba[:, 10:] = (0, 0, 0, 0)  # fully transparent black on the right
    Image.fromarray(rgba, "RGBA").save(tmp_path / "alpha.png")
    pixels = load_image(tmp_path / "alpha.png", (20, 20))
    np.testing.assert_array_equal(pixels[:, 12:], 255)
    np.testing.assert_array_equal(pixels[:, :8], np.broadcast_to(RED, (20, 8, 3)))


def test_palette_gif_with_a_transparent_entry(tmp_path):
    picture = Image.new("P", (16, 16), 0)
    picture.putpalette([0, 0, 0, *RED] + [0] * 762)
    picture.paste(1, (0, 0, 8, 16))  # left half: palette entry 1 (red); right: entry 0
    picture.save(tmp_path / "palette.gif", transparency=0)
    pixels = load_image(tmp_path / "palette.gif", (16, 16))
    np.testing.assert_array_equal(pixels[:, :6], np.broadcast_to(RED, (16, 6, 3)))
    np.testing.assert_array_equal(pixels[:, 10:], 255)


def test_grayscale_becomes_three_equal_channels(tmp_path):
    gray = np.tile(np.arange(0, 250, 10, dtype=np.uint8), (25, 1))
    Image.fromarray(gray, "L").save(tmp_path / "gray.png")
    pixels = load_image(tmp_path / "gray.png", (25, 25))
    np.testing.assert_array_equal(pixels[..., 0], gray)
    np.testing.assert_array_equal(pixels[..., 1], gray)
    np.testing.assert_array_equal(pixels[..., 2], gray)


def test_colour_picture_to_one_channel(tmp_path):
    _halves(10, 10, WHITE, (0, 0, 0)).save(tmp_path / "bw.png")
    pixels = load_image(tmp_path / "bw.png", (10, 10), channels=1)
    assert pixels.shape == (10, 10, 1)
    assert pixels[5, 0, 0] == 255 and pixels[5, 9, 0] == 0


def test_exif_orientation_is_applied(tmp_path):
    # Stored 40 wide x 20 high, red left and blue right. Orientation 6 tells viewers to turn
    # it 90 degrees clockwise: upright it is 20 wide x 40 high, red on top, blue below.
    stored = _halves(40, 20, RED, BLUE)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(tmp_path / "rotated.jpg", exif=exif, quality=95)
    pixels = load_image(tmp_path / "rotated.jpg", (40, 20))
    assert pixels[5, 10, 0] > 150 > pixels[5, 10, 2], "the top should be red"
    assert pixels[34, 10, 2] > 150 > pixels[34, 10, 0], "the bottom should be blue"


def test_resizing_is_antialiased(tmp_path):
    # One-pixel black and white stripes: nearest-neighbour sampling would keep pure 0/255
    # values, an antialiasing filter averages them to mid-gray.
    stripes = np.zeros((64, 64, 3), dtype=np.uint8)
    stripes[:, ::2] = 255
    Image.fromarray(stripes).save(tmp_path / "stripes.png")
    pixels = load_image(tmp_path / "stripes.png", (8, 8))
    assert 100 < pixels[2:6, 2:6].mean() < 155
    assert np.ptp(pixels[2:6, 2:6]) < 40


def test_a_text_file_named_jpg_is_refused_by_name(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a picture")
    with pytest.raises(ValueError, match="notes.jpg: not a picture Pillow can read"):
        load_image(path, (64, 64))


def test_a_truncated_jpeg_is_refused(tmp_path):
    whole = tmp_path / "whole.jpg"
    noise = np.random.default_rng(1).integers(0, 256, size=(200, 200, 3), dtype=np.uint8)
    Image.fromarray(noise).save(whole, quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
    with pytest.raises(ValueError, match="cut.jpg"):
        load_image(cut, (64, 64))


def test_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no picture file at"):
        load_image(tmp_path / "absent.png", (64, 64))


@pytest.mark.parametrize(
    ("size", "channels", "error", "match"),
    [
        ((0, 64), 3, ValueError, "positive"),
        ((64,), 3, TypeError, "height, width"),
        ((64, 64), 4, ValueError, "channels"),
    ],
)
def test_bad_size_or_channels(tmp_path, size, channels, error, match):
    _halves(10, 10, RED, BLUE).save(tmp_path / "ok.png")
    with pytest.raises(error, match=match):
        load_image(tmp_path / "ok.png", size, channels)


def test_to_dataset_range_for_the_digits_convention():
    pixels = np.array([[[0], [255], [51]]], dtype=np.uint8)
    values = to_dataset_range(pixels, pixel_max=16, invert=True)
    # black ink -> 16 (high), white paper -> 0, 51/255 of full -> 16 - 3.2
    np.testing.assert_allclose(values[0, :, 0], [16.0, 0.0, 12.8])
    assert to_dataset_range(pixels) is pixels  # 8-bit data sets use the pixels unchanged


def test_image_inputs_scale_like_training(tmp_path):
    pixels = np.random.default_rng(2).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "x.png")
    record = image_record(Network([12288, 1]))  # no metadata: the course's 64x64 RGB / 255
    X = image_inputs(tmp_path / "x.png", record)
    assert X.shape == (12288, 1)
    # the course's preprocessing: reshape(m, -1).T / 255
    np.testing.assert_array_equal(X, pixels.reshape(1, -1).T / 255.0)
