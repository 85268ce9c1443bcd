"""What Network.load and Network.save take as a path: a file name (str or os.PathLike), refused
at the boundary otherwise; errors name the user's path, never deepcat's temporary file."""

import io
import pathlib

import pytest

from deepcat import Network


class BytesPath:
    """An os.PathLike whose ``__fspath__`` gives bytes."""

    def __fspath__(self):
        return b"model.npz"


@pytest.mark.parametrize(
    ("path", "kind"),
    [(b"model.npz", "bytes"), (io.BytesIO(b"PK"), "BytesIO"), (3, "int"), (None, "NoneType"),
     (BytesPath(), "bytes")],
)  # fmt: skip
def test_load_and_save_refuse_what_is_not_a_file_name(tmp_path, monkeypatch, path, kind):
    monkeypatch.chdir(tmp_path)
    message = f"path must be a str or os.PathLike (a file name), got {kind}"
    with pytest.raises(TypeError) as caught:
        Network.load(path)
    assert str(caught.value) == message
    with pytest.raises(TypeError) as caught:
        Network([2, 1], seed=0).save(path)
    assert str(caught.value) == message
    assert list(tmp_path.iterdir()) == []


def test_a_pathlike_of_str_works(tmp_path):
    Network([2, 1], seed=0).save(pathlib.PurePosixPath(tmp_path / "m.npz"))
    assert Network.load(str(tmp_path / "m.npz")).layer_dims == [2, 1]


def test_saving_onto_a_folder_names_the_folder_and_leaves_it_alone(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(IsADirectoryError) as caught:
        Network([2, 1], seed=0).save(folder)
    assert str(caught.value) == f"[Errno 21] is a folder, not a file name: '{folder}'"
    assert ".tmp" not in str(caught.value)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models"]
