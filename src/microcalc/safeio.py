"""Write a set of files so that readers see all of them old or all of them new.

Some outputs come in pairs that must match: ``lesions.csv`` and ``measurements.csv`` (one
simulated cohort), ``montecarlo.csv.gz`` and ``montecarlo.json`` (one set of replicate studies
and its seed). Renaming two files one after the other is not enough: a kill between the two
renames, or an I/O error at the second, leaves a new file beside an old one.
:func:`write_files` therefore uses a small journal (a write-ahead log):

1. each new file is written in full to a temporary sibling ``.<name>.<id>.tmp`` (mode 0644),
   flushed to disk, and each existing target is hard-linked to a backup ``.<name>.<id>.old``;
2. a journal ``.microcalc-<id>.journal`` listing the renames is written atomically: this is
   the commit point;
3. the temporaries are renamed over the targets; then the backups and the journal are removed.

A kill before step 2 leaves the old files and some temporaries, which the next run removes. A
kill during step 3 leaves a journal, from which the next run (:func:`recover`, called by every
writer and by the readers of these files) finishes the renames. An I/O error during step 3
restores the backups, so the old files are back. Ctrl-C is held back from step 2 to the end (it
takes effect as soon as the files are consistent). Two processes writing the same files in the
same folder at the same time are not supported.

References
----------
Gray J, Reuter A. Transaction Processing: Concepts and Techniques. Morgan Kaufmann; 1993
(chapter 9, write-ahead logging).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["FILE_MODE", "check_writable", "recover", "write_files"]

#: Permissions of every file the package writes (owner read-write, everyone else read).
FILE_MODE = 0o644
_JOURNAL_GLOB = ".microcalc-*.journal"


def _checkpoint(step: str) -> None:
    """A named point between two steps of a write (tests stop a process here)."""


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform or file system allows it
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _write_new(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(handle, FILE_MODE)  # whatever the umask
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    finally:
        os.close(handle)


@contextlib.contextmanager
def _interrupts_held():
    """Hold SIGINT back (main thread only) until the block ends; it is delivered then."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _describe(error: OSError) -> str:
    return error.strerror or str(error)


def check_writable(folder, names: Iterable[str]) -> None:
    """Fail now, naming the target file, if ``names`` could not be written into ``folder``.

    The folder need not exist yet (it is created when the files are written); its nearest
    existing ancestor must be a writable folder. A probe file is created and removed there,
    which also catches read-only file systems and full disks of zero free inodes.

    Raises
    ------
    ValueError
        If a target is a folder, or the folder (or its nearest existing ancestor) is a file.
    OSError
        If the probe cannot be written; the message names the first target file.

    Examples
    --------
    >>> check_writable("/proc", ["lesions.csv"])  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    PermissionError: cannot write '/proc/lesions.csv': Permission denied
    """
    folder = Path(folder)
    names = list(names)
    target = folder / names[0]
    if str(folder) == "":
        raise ValueError("the output folder is an empty string; name a folder")
    for name in names:
        if (folder / name).is_dir():
            raise ValueError(f"cannot write {str(folder / name)!r}: it is a folder")
    ancestor = folder
    while not ancestor.exists():
        if ancestor.parent == ancestor:
            break
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ValueError(f"cannot write {str(target)!r}: {str(ancestor)!r} is a file, not a folder")
    try:
        handle, probe = tempfile.mkstemp(prefix=".microcalc-probe-", dir=ancestor)
    except OSError as error:
        raise type(error)(f"cannot write {str(target)!r}: {_describe(error)}") from None
    os.close(handle)
    os.unlink(probe)


def _entries(record: Mapping, folder: Path):
    for entry in record["files"]:
        yield (
            folder / entry["name"],
            folder / entry["temp"],
            folder / entry["backup"] if entry.get("backup") else None,
            bool(entry["existed"]),
        )


def _roll_forward(folder: Path, record: Mapping) -> None:
    for target, temp, _, _ in _entries(record, folder):
        if temp.exists():
            os.replace(temp, target)
    _fsync_dir(folder)
    for _, _, backup, _ in _entries(record, folder):
        if backup is not None:
            backup.unlink(missing_ok=True)


def _roll_back(folder: Path, record: Mapping) -> None:
    for target, temp, backup, existed in _entries(record, folder):
        if existed:
            if backup is not None and backup.exists():
                os.replace(backup, target)
                # a rename between two links of one file does nothing: drop the backup link
                backup.unlink(missing_ok=True)
        elif not temp.exists():  # our rename created the target: remove it
            target.unlink(missing_ok=True)
        temp.unlink(missing_ok=True)
    _fsync_dir(folder)


def _write_journal(path: Path, record: Mapping) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    _write_new(temporary, (json.dumps(record, indent=1) + "\n").encode("utf-8"))
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def recover(folder, names: Iterable[str] = ()) -> list[str]:
    """Finish or undo any write into ``folder`` that a kill interrupted; remove stale files.

    A journal in state ``commit`` is rolled forward (the new files replace the old), one in
    state ``abort`` rolled back (the old files are restored). Then leftover temporaries and
    backups of ``names`` (``.<name>.*.tmp``, ``.<name>.*.old``) from a run killed before its
    commit point are removed.

    Parameters
    ----------
    folder : path
    names : iterable of str
        The file names whose stale temporaries to remove.

    Returns
    -------
    list of str
        What was done, one sentence each (empty when there was nothing to do).

    Raises
    ------
    ValueError
        If a journal cannot be read, or the folder cannot be written to finish a write.
    """
    folder = Path(folder)
    done: list[str] = []
    if not folder.is_dir():
        return done
    with _interrupts_held():
        for journal in sorted(folder.glob(_JOURNAL_GLOB)):
            try:
                record = json.loads(journal.read_text(encoding="utf-8"))
                files = ", ".join(entry["name"] for entry in record["files"])
                state = record["state"]
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise ValueError(
                    f"cannot read the journal {str(journal)!r} of an interrupted write: {error}; "
                    "remove it and write the files again"
                ) from None
            try:
                if state == "commit":
                    _roll_forward(folder, record)
                    done.append(f"finished an interrupted write of {files} in {str(folder)!r}")
                else:
                    _roll_back(folder, record)
                    done.append(f"undid an interrupted write of {files} in {str(folder)!r}")
                journal.unlink()
            except OSError as error:
                raise ValueError(
                    f"an interrupted write of {files} in {str(folder)!r} could not be finished "
                    f"({_describe(error)}); run the command again where the folder is writable"
                ) from None
        stale = list(folder.glob(".microcalc-*.journal.tmp"))
        for name in names:
            for pattern in (f".{name}.*.tmp", f".{name}.*.old"):
                stale += folder.glob(pattern)
        for path in stale:  # best effort: a read-only folder keeps them, harmlessly
            try:
                path.unlink(missing_ok=True)
            except OSError:
                continue
            done.append(f"removed the stale temporary file {str(path)!r}")
    return done


def write_files(folder, payload: Mapping[str, bytes], *, force: bool = False) -> list[Path]:
    """Write every file of ``payload`` into ``folder`` as one unit (all old or all new).

    Parameters
    ----------
    folder : path
        Created if missing.
    payload : mapping
        File name -> exact bytes.
    force : bool, default False
        Replace existing files; without it an existing file raises ``FileExistsError``.

    Returns
    -------
    list of Path
        The files written, in the order of ``payload``.

    Raises
    ------
    FileExistsError
        If a target exists and ``force`` is false.
    ValueError
        If ``folder`` is a file or a target is a folder.
    OSError
        If writing fails; the message names the target file, and the old files are in place.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> [p.name for p in write_files(out, {"a.csv": b"x\\n", "a.json": b"{}\\n"})]
    ['a.csv', 'a.json']
    >>> oct((out / "a.csv").stat().st_mode & 0o777)
    '0o644'
    """
    folder = Path(folder)
    names = list(payload)
    if not names:
        raise ValueError("payload names no file")
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"out must be a directory, but {str(folder)!r} is a file")
    check_writable(folder, names)
    targets = [folder / name for name in names]
    folder.mkdir(parents=True, exist_ok=True)
    recover(folder, names)
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise FileExistsError(f"{', '.join(existing)} exist(s); pass --force to overwrite")
    tx = secrets.token_hex(6)
    record = {"state": "commit", "files": []}
    made: list[Path] = []
    journal = folder / f".microcalc-{tx}.journal"
    current = targets[0]
    try:
        for name, target in zip(names, targets, strict=True):
            current = target
            temp = folder / f".{name}.{tx}.tmp"
            made.append(temp)
            _write_new(temp, payload[name])
            _checkpoint(f"wrote {name}")
            backup = None
            if target.exists():
                backup = folder / f".{name}.{tx}.old"
                made.append(backup)
                try:
                    os.link(target, backup)
                except OSError:  # a file system without hard links
                    shutil.copy2(target, backup)
            record["files"].append(
                {
                    "name": name,
                    "temp": temp.name,
                    "backup": backup.name if backup else None,
                    "existed": backup is not None,
                }
            )
        _fsync_dir(folder)
        _checkpoint("before commit")
    except BaseException as error:
        for path in made:
            path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise type(error)(f"cannot write {str(current)!r}: {_describe(error)}") from None
        raise
    with _interrupts_held():
        try:
            _write_journal(journal, record)
        except BaseException as error:
            for path in [*made, journal, journal.with_name(journal.name + ".tmp")]:
                path.unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise type(error)(f"cannot write {str(targets[0])!r}: {_describe(error)}") from None
            raise
        _checkpoint("committed")
        try:
            for target, temp, _, _ in _entries(record, folder):
                current = target
                os.replace(temp, target)
                _checkpoint(f"renamed {target.name}")
        except OSError as error:
            outcome = (
                "the previous files are unchanged"
                if _undo(folder, journal, record)
                else "the next run in this folder will finish the write"
            )
            raise type(error)(
                f"cannot write {str(current)!r}: {_describe(error)}; {outcome}"
            ) from None
        _fsync_dir(folder)
        for _, _, backup, _ in _entries(record, folder):
            if backup is not None:
                backup.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        _checkpoint("done")
    return targets


def _undo(folder: Path, journal: Path, record: dict) -> bool:
    """After an I/O error between the commit point and the end: restore the old files.

    The journal is switched to ``abort`` first, so that a kill during the restore is finished
    by the next :func:`recover`. If even that fails, the journal stays in ``commit`` and the
    next run rolls forward: either way the files end up all old or all new. Returns whether
    the old files are back.
    """
    try:
        _write_journal(journal, {**record, "state": "abort"})
    except OSError:
        return False
    try:
        _roll_back(folder, record)
        journal.unlink(missing_ok=True)
    except OSError:
        return False
    return True
