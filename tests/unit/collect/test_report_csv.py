"""Usage reports as CSV: read by header name, whatever the column order, BOM or version."""

from __future__ import annotations

import pytest

from m365gov.collect.report_csv import (
    TEAMS_DEVICE_USAGE,
    TEAMS_USER_ACTIVITY,
    ReportFormatError,
    looks_concealed,
    parse_report_csv,
)

ACTIVITY_HEADER = (
    "Report Refresh Date,User Id,User Principal Name,Last Activity Date,Is Deleted,Deleted Date,"
    "Assigned Products,Team Chat Message Count,Private Chat Message Count,Call Count,Meeting Count,"
    "Audio Duration,Video Duration,Screen Share Duration,Audio Duration In Seconds,"
    "Video Duration In Seconds,Screen Share Duration In Seconds,Has Other Action,Is Licensed,Report Period"
)
ACTIVITY_ROW = (
    "2026-11-27,u1,anne.martin@ville.fr,2026-11-26,False,,OFFICE 365 E3,4,12,3,5,"
    "00:40:00,00:10:00,00:00:00,2400,600,0,No,Yes,30"
)


def test_a_report_is_read_by_header_name() -> None:
    (row,) = parse_report_csv(f"{ACTIVITY_HEADER}\n{ACTIVITY_ROW}\n".encode(), TEAMS_USER_ACTIVITY)
    assert row["userPrincipalName"] == "anne.martin@ville.fr"
    assert row["lastActivityDate"] == "2026-11-26"
    assert (row["callCount"], row["meetingCount"]) == (3, 5)
    assert (row["audioDurationInSeconds"], row["videoDurationInSeconds"]) == (2400, 600)
    assert row["isLicensed"] is True and row["isDeleted"] is False and row["reportPeriod"] == 30
    assert "assignedProducts" not in row  # columns nobody reads stay out of the snapshot


def test_shuffled_columns_give_the_same_rows() -> None:
    header = ACTIVITY_HEADER.split(",")
    cells = ACTIVITY_ROW.split(",")
    order = list(reversed(range(len(header))))
    shuffled = ",".join(header[i] for i in order) + "\n" + ",".join(cells[i] for i in order) + "\n"
    straight = parse_report_csv(f"{ACTIVITY_HEADER}\n{ACTIVITY_ROW}\n".encode(), TEAMS_USER_ACTIVITY)
    assert parse_report_csv(shuffled.encode(), TEAMS_USER_ACTIVITY) == straight


def test_a_byte_order_mark_does_not_hide_the_first_column() -> None:
    body = "\ufeffReport Refresh Date,User Principal Name,Used Web,Used Windows\r\n2026-11-27,a@v.fr,Yes,No\r\n"
    (row,) = parse_report_csv(body.encode("utf-8"), TEAMS_DEVICE_USAGE)
    assert row == {
        "reportRefreshDate": "2026-11-27",
        "userPrincipalName": "a@v.fr",
        "usedWeb": True,
        "usedWindows": False,
    }


def test_an_empty_report_has_no_rows() -> None:
    assert parse_report_csv(b"", TEAMS_USER_ACTIVITY) == []
    assert parse_report_csv(f"\ufeff{ACTIVITY_HEADER}\r\n".encode(), TEAMS_USER_ACTIVITY) == []


def test_an_older_report_without_new_columns_reads_them_as_missing() -> None:
    body = (
        b"Report Refresh Date,User Principal Name,Last Activity Date,Used Web,Used iOS,Report Period\n"
        b"2026-11-27,a@v.fr,,No,Yes,7\n"
    )
    (row,) = parse_report_csv(body, TEAMS_DEVICE_USAGE)
    assert row["usedIOs"] is True and row["lastActivityDate"] is None and "usedLinux" not in row


def test_seconds_columns_win_over_the_clock_form_which_fills_in_when_alone() -> None:
    both = parse_report_csv(
        b"User Principal Name,Video Duration,Video Duration In Seconds\na@v.fr,00:00:01,90\n", TEAMS_USER_ACTIVITY
    )
    alone = parse_report_csv(b"User Principal Name,Video Duration\na@v.fr,01:02:03\n", TEAMS_USER_ACTIVITY)
    assert both[0]["videoDurationInSeconds"] == 90 and alone[0]["videoDurationInSeconds"] == 3723


@pytest.mark.parametrize(
    "body",
    [b"<html><body>Service unavailable</body></html>", b'{"value": []}', b"\xff\xfe\x00garbage"],
)
def test_a_body_that_is_not_the_report_is_an_error_not_an_empty_report(body: bytes) -> None:
    with pytest.raises(ReportFormatError):
        parse_report_csv(body, TEAMS_USER_ACTIVITY)


def test_a_bad_cell_is_reported_with_its_line_and_column() -> None:
    with pytest.raises(ReportFormatError, match=r"line 3: column 'Call Count'"):
        parse_report_csv(b"User Principal Name,Call Count\na@v.fr,1\nb@v.fr,lots\n", TEAMS_USER_ACTIVITY)


def test_hashed_user_names_are_recognised_as_concealed() -> None:
    hashed = parse_report_csv(
        b"User Principal Name,Call Count\n8F5B3B3F6C71B7D8D3D26EE2E6E2C1B5,1\n0D1E2F3A4B5C6D7E8F9A0B1C2D3E4F5A,0\n",
        TEAMS_USER_ACTIVITY,
    )
    clear = parse_report_csv(b"User Principal Name,Call Count\na@v.fr,1\n", TEAMS_USER_ACTIVITY)
    assert looks_concealed(hashed) and not looks_concealed(clear) and not looks_concealed([])
