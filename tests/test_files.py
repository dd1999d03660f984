"""Publishing a folder whole: one run at a time, and the old version whole until the swap."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis import files
from analysis.files import FolderBusyError, exclusive_lock, new_version, publish, recover

SRC = Path(__file__).resolve().parents[1] / "src"

# A child process that builds version NEW of site/reports and publishes it, killing itself
# with SIGKILL (no cleanup of any kind) just before its KILL_AT-th file-system change.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from analysis import files

    folder, text, kill_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    changes = 0

    def hook(event, args):
        global changes
        if event in ("os.rename", "os.symlink", "os.remove", "os.rmdir", "shutil.rmtree"):
            changes += 1
            if changes == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    with files.exclusive_lock(folder):
        files.recover(folder)
        version = files.new_version(folder)
        for name in ("a.txt", "b.txt", "c.txt"):
            (version / name).write_text(text, encoding="utf-8")
        sys.addaudithook(hook)
        files.publish(version, folder)
    """
)


def contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def whole(text: str) -> dict[str, str]:
    return {f"{name}.txt": text for name in "abc"}


def run_child(folder: Path, text: str, kill_at: int) -> int:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    args = [sys.executable, "-c", CHILD, str(folder), text, str(kill_at)]
    return subprocess.run(args, env=env, check=False).returncode


def publish_text(folder: Path, text: str) -> None:
    with exclusive_lock(folder):
        recover(folder)
        version = new_version(folder)
        for name in whole(text):
            (version / name).write_text(text, encoding="utf-8")
        publish(version, folder)


def test_a_second_run_is_refused_at_once_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    with exclusive_lock(folder), pytest.raises(FolderBusyError) as refused, exclusive_lock(folder):
        pytest.fail("two runs held the lock at once")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"another run is writing {folder}")


def test_the_lock_is_held_across_processes_and_released_when_its_holder_dies(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "reports"
    script = (
        "import sys, time; from pathlib import Path; from analysis import files\n"
        "with files.exclusive_lock(Path(sys.argv[1])):\n"
        "    print('locked', flush=True); time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(folder)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(FolderBusyError), exclusive_lock(folder):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with exclusive_lock(folder):  # the kernel dropped the dead holder's lock
        pass


def test_a_run_killed_at_any_step_leaves_the_old_or_the_new_folder_whole(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    publish_text(folder, "old")
    outcomes = set()
    for kill_at in range(1, 20):
        code = run_child(folder, "new", kill_at)
        assert code in (0, -signal.SIGKILL)
        # Whatever happened, the folder is one whole version, never missing, never mixed.
        seen = contents(folder)
        assert seen in (whole("old"), whole("new")), (kill_at, seen)
        outcomes.add((code, seen["a.txt"]))
        if code == 0:
            break
        publish_text(folder, "old")  # the next run recovers and starts from the old version
    else:
        pytest.fail("the child never finished its publish")
    # Both fates were exercised: killed before the swap (old kept), and after it (new kept).
    assert (-signal.SIGKILL, "old") in outcomes
    assert (-signal.SIGKILL, "new") in outcomes or (0, "new") in outcomes
    # The next run cleans up what the killed runs left: only the live version remains.
    publish_text(folder, "last")
    assert contents(folder) == whole("last")
    assert list(files.versions_dir(folder).iterdir()) == [files.live_version(folder)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.versions", "reports"]


def test_an_earlier_real_folder_is_replaced_by_a_link_and_restored_after_a_kill(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in "abc":
        (folder / f"{name}.txt").write_text("old", encoding="utf-8")
    for kill_at in range(1, 20):
        code = run_child(folder, "new", kill_at)
        assert code in (0, -signal.SIGKILL)
        # Killed between the two renames of the one-time migration, the next run restores it.
        assert not os.path.lexists(folder) or contents(folder) in (whole("old"), whole("new"))
        with exclusive_lock(folder):
            recover(folder)
        assert contents(folder) in (whole("old"), whole("new"))
        if code == 0:
            break
    assert folder.is_symlink()
    assert contents(folder) == whole("new")


def test_report_refuses_to_start_while_another_run_holds_the_lock(tmp_path: Path) -> None:
    from analysis.pages.report import build_report

    folder = tmp_path / "reports"
    with exclusive_lock(folder), pytest.raises(FolderBusyError, match="another run is writing"):
        build_report(folder, log=lambda _: None)
    assert not os.path.lexists(folder)
    assert not any(files.versions_dir(folder).iterdir())  # only the lock's folder, no version
