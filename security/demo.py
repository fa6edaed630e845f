"""A demo year of guard reports: two shifts a day, a few gaps, events of every kind."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import time, timedelta

from sqlite_utils import Database

from core.calendar import fiscal_year_range, today
from core.db import transaction
from core.users import acting_as, current_actor, demo_section_head, require
from security.events import CATEGORIES, EventInput
from security.indicator import classify_event, events_of_year
from security.reports import save_report

SUPERVISORS = {"day": ("ร.ต.อ. วิชัย มั่นคง", "นายสมศักดิ์ ดีเลิศ"), "night": ("นายประเสริฐ ใจกล้า",)}
PLACES = ("ลานคนเมือง", "ลานจอดรถ", "อาคาร 1 ชั้น 3", "อาคาร 2 ชั้น 1", "ประตูทางเข้าหลัก")
WHAT = {
    "theft": "กระเป๋าสตางค์ของผู้มาติดต่อถูกขโมยบริเวณโถง",
    "damage": "กระจกประตูชั้น 1 แตก",
    "loss": "โน้ตบุ๊กของเจ้าหน้าที่หายจากห้องประชุม",
    "intrusion": "บุคคลภายนอกเข้าพื้นที่หวงห้ามนอกเวลา",
    "alarm": "สัญญาณเตือนไฟไหม้ดังโดยไม่มีเหตุ",
    "disturbance": "กลุ่มผู้ชุมนุมบริเวณลานคนเมือง",
    "found": "พบโทรศัพท์มือถือ ส่งคืนเจ้าของแล้ว",
    "other": "ผู้มาติดต่อเป็นลมบริเวณโถง นำส่งห้องพยาบาล",
}


@dataclass(frozen=True)
class GuardDemo:
    reports: int
    events: int
    already: bool = False


def fill_demo_guard(db: Database, fy: int) -> GuardDemo:
    require(db, "guard.report")
    with transaction(db):  # asked under the write lock: two demo runs at once fill it once
        if db.execute(
            "SELECT 1 FROM guard_reports WHERE fiscal_year = ? AND source = 'demo' LIMIT 1", [fy]
        ).fetchone():
            return GuardDemo(0, 0, already=True)
        return _fill_guard(db, fy)


def _fill_guard(db: Database, fy: int) -> GuardDemo:
    rng = random.Random(fy * 7)
    start, end = fiscal_year_range(fy)
    end = min(end, today())
    gaps = {start + timedelta(days=rng.randrange(max(1, (end - start).days))) for _ in range(4)}
    reports = events = 0
    event_days = {
        start + timedelta(days=rng.randrange(max(1, (end - start).days))): cat
        for cat in CATEGORIES * 2
    }
    with transaction(db):
        d = start
        while d <= end:
            for shift, required in (("day", 12), ("night", 8)):
                if d in gaps and shift == "night":
                    continue  # a missing report the calendar shows in red
                evs = []
                cat = event_days.get(d)
                if cat and shift == "day":
                    evs.append(
                        EventInput(time(rng.randint(8, 17), rng.choice((0, 20, 40))),
                                   rng.choice(PLACES), cat, WHAT[cat],
                                   loss_value=2500.0 if cat in ("theft", "loss") else None)
                    )  # fmt: skip
                save_report(
                    db, d, shift, rng.choice(SUPERVISORS[shift]), required,
                    required - (1 if rng.random() < 0.08 else 0),
                    posts_covered=list(PLACES[:4]), patrols=["10:00", "14:00"] if shift == "day"
                    else ["22:00", "02:00"], events=evs, source="demo",
                )  # fmt: skip
                reports += 1
                events += len(evs)
            d += timedelta(days=1)
        # The section head has reviewed most events: one theft counts, the rest do not, and
        # the year's last three thefts, damages or losses still wait for the review. An
        # invented one (classifying is the section head's call, never the data entry's).
        head = demo_section_head(current_actor(db).via)
        counted = False
        year = sorted(events_of_year(db, fy), key=lambda e: (e.day, e.at))
        waiting = {e.uuid for e in [e for e in year if e.countable][-3:]}
        for ev in (e for e in year if e.uuid not in waiting):
            counts = ev.category == "theft" and not counted
            counted = counted or counts
            reason = (
                "ผู้ควบคุมไม่จัดเจ้าหน้าที่ประจำจุดตามสัญญา" if counts
                else "ไม่ได้เกิดจากความบกพร่องของเจ้าหน้าที่รักษาความปลอดภัย"
            )  # fmt: skip
            with acting_as(db, head):
                classify_event(db, ev.uuid, counts, reason)
    return GuardDemo(reports, events)
