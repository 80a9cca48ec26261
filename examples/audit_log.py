"""An audit log a regulator can trust, and a customer's right to be forgotten.

华澜电器 (Hualan Appliances, a fictional water-heater maker in Hangzhou) records a crisis
under its sealing key "k2025", rotates to "k2026" at the new year while the crisis is still
open, and keeps the events as a JSON Lines file, one stored event per line. It verifies
the file with its key ring and with the head it keeps apart, catches an edited line and a
file cut short, and then carries out a customer's erasure request under China's Personal
Information Protection Law (PIPL, art. 47): the log still verifies, and the customer's name
appears nowhere in it.

Run it with ``python examples/audit_log.py``. It runs on a manual clock with fixed secrets
and a seeded salt source, so the output is the same every time; a host uses
``SystemClock()``, 32 random bytes from its secret store per key, and the default
``os.urandom`` for salts.
"""

import hashlib
import json
import random
import tempfile
import textwrap
from pathlib import Path

import pendulum

from crisiskit import (
    Channel,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    KeyRing,
    Money,
    SealingKey,
    Signal,
    StoredEvent,
    verify,
)
from crisiskit.events import ERASED, ChainCheck, erase, stored
from crisiskit.operations.review import Review
from crisiskit.testing import ManualClock

SHANGHAI = "Asia/Shanghai"
CUSTOMER = "C-30017"
NAME = "陈静"
# The file a host would keep; here in the temporary directory, so running the example leaves nothing behind.
LOG = Path(tempfile.gettempdir()) / "audit-CR-2025-1228.jsonl"


def secret(key_id: str) -> bytes:
    """A fixed secret, for a reproducible example (a host reads 32 random bytes instead)."""
    return hashlib.sha256(f"hualan demo secret {key_id}".encode()).digest()


K2025 = SealingKey("k2025", secret("k2025"))
K2026 = SealingKey("k2026", secret("k2026"))


def write(records: list[StoredEvent]) -> None:
    """The host's side: one stored event per line, as crisiskit wrote it."""
    LOG.write_text("".join(r.to_json() + "\n" for r in records), encoding="utf-8")


def load() -> list[StoredEvent]:
    lines = LOG.read_text(encoding="utf-8").splitlines()
    return [StoredEvent.from_json(line) for line in lines]


def show(title_en: str, title_zh: str, check: ChainCheck) -> None:
    """What a host logs: the verdict, and where and why the log is not intact."""
    print(f"{title_en} / {title_zh}")
    if check.ok:
        print(f"  ok: {check.checked} events, {check.erased} with erased data")
        print(f"  通过：{check.checked} 个事件，其中 {check.erased} 个含已删除信息")
        return
    assert check.kind is not None
    print(f"  event {check.first_invalid}: {check.kind.label('en')} / {check.kind.label('zh')}")
    for line in textwrap.wrap(check.problem or "", 74):
        print(f"    {line}")


def main() -> None:
    clock = ManualClock(pendulum.datetime(2025, 12, 28, 21, 40, tz=SHANGHAI))
    salts = random.Random(2025).randbytes  # a seeded source here; os.urandom by default
    context = Context(clock, keys=K2025, entropy=salts)

    # 1. December: the crisis is recorded under k2025.
    crisis = Crisis.detect(
        context,
        crisis_id="CR-2025-1228",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Water heater JR-60 leaks after firmware update",
        actor="opinion-monitor",
        signals=[
            Signal(
                Channel.SOCIAL_MEDIA,
                clock.now(),
                "Weibo: JR-60 flooded my bathroom overnight, 3k reposts",
                customers=[CustomerRef(CUSTOMER, name=NAME, tier="VIP")],
            )
        ],
    )
    clock.advance(minutes=20)
    crisis.acknowledge(actor="li.office")
    crisis.handle_customer(
        CUSTOMER,
        "apologised",
        note=f"{NAME}女士接受道歉，要求上门检修并赔偿地板",
        actor="zhao.cs",
    )
    crisis.set_level("II", actor="li.office", reason="3k reposts, one flooded home")
    crisis.warn(actor="li.office")
    records = [stored(e) for e in crisis.pull_events()]
    print(f"sealed {len(records)} events under k2025 / 以密钥 k2025 封存 {len(records)} 个事件")

    # 2. 1 January: the new key goes first, the old one stays to check older events.
    clock.advance(days=4)
    ring = KeyRing(K2026, K2025)
    context = Context(clock, keys=ring, entropy=salts)
    crisis = Crisis.replay(records, context)  # the next request, under the new ring
    crisis.respond(actor="gm.wang")
    crisis.compensate(
        "cash", Money("3800", "CNY"), customer_id=CUSTOMER, note="地板更换", actor="zhao.cs"
    )
    clock.advance(days=2)
    crisis.recover(actor="gm.wang", reason="firmware 2.1.4 rolled back on 12k heaters")
    crisis.record_callback(CUSTOMER, 4, comments=f"{NAME}：师傅很专业，赔偿到位", actor="zhao.cs")
    records += [stored(e) for e in crisis.pull_events()]
    write(records)
    head = (records[-1].sequence, records[-1].hash)  # kept apart from the file
    print(f"rotated to k2026 / 密钥轮换为 k2026; {LOG.name}:")
    for r in records:
        print(f"  {r.sequence:>2}  {r.key_id}  {r.type:<20} {r.hash[:12]}…")

    # 3. Checking the file.
    log = load()
    show("with the ring and the head", "用密钥环和链头校验", verify(log, keys=ring, head=head))
    show("a ring without the old key", "密钥环缺少旧密钥", verify(log, keys=K2026, head=head))
    wrong = KeyRing(K2026, SealingKey("k2025", secret("a different secret")))
    show("a wrong secret for k2025", "k2025 的密钥不对", verify(log, keys=wrong, head=head))

    # 4. Someone with access to the file, but not to the keys, edits the compensation:
    #    3800 becomes 38000. They cannot compute the HMAC the edited line needs.
    lines = LOG.read_text(encoding="utf-8").splitlines()
    tampered = [
        StoredEvent.from_json(line.replace('"amount":"3800"', '"amount":"38000"')) for line in lines
    ]
    show("one line edited (3800 → 38000)", "有一行被改动", verify(tampered, keys=ring, head=head))

    # 5. The last two lines go missing: only the head can tell.
    show("last two lines dropped, no head", "末尾两行丢失，不用链头", verify(log[:-2], keys=ring))
    print("  the chain alone cannot tell / 仅凭哈希链无法发现")
    show(
        "last two lines dropped, with head",
        "末尾两行丢失，用链头",
        verify(log[:-2], keys=ring, head=head),
    )

    # 6. 8 January: the customer asks to have her personal information deleted.
    clock.advance(days=5)
    erasure = crisis.erase_personal_data(
        CUSTOMER, actor="dpo.sun", reason="PIPL art. 47: consent withdrawn, ticket 0108-17"
    )
    records += [stored(e) for e in crisis.pull_events()]
    records = erase(records, CUSTOMER, erasure=erasure.sequence)
    write(records)
    head = (erasure.sequence, erasure.hash)
    print(
        f"erasure recorded as event {erasure.sequence} / 删除操作记录为第 {erasure.sequence} 个事件"
    )
    show("the rewritten file", "改写后的文件", verify(load(), keys=ring, head=head))
    text = LOG.read_text(encoding="utf-8")
    print(f"  {NAME!r} in the file: {NAME in text} / 文件中出现“{NAME}”：{NAME in text}")
    replayed = Crisis.replay(load(), keys=ring)
    name = next(c.name for c in replayed.customers if c.customer_id == CUSTOMER)
    callback, paid = replayed.callbacks[0], replayed.compensations[0].amount
    print(f"  replayed: name {name!r}, callback comments {callback.comments!r},")
    print(f"    satisfaction {callback.satisfaction}/5, compensation {paid} (figures stay)")
    print(f"  回放：姓名、回访意见均为 {ERASED!r}，满意度与赔偿金额不变")
    tombstone = next(iter(load()[0].personal.values()))
    print(f"  what is left of the name / 姓名只剩: {json.dumps(tombstone)}")
    kept = json.loads(text.splitlines()[-1])["data"]
    print(f"  the erasure keeps who and why / 删除事件保留操作人与原因: {kept['actor']},")
    print(f"    {kept['reason']!r}")

    crisis.record_review(
        Review(
            root_cause="firmware 2.1.3 left the pressure valve shut during updates",
            lessons=["updates were never tested on heaters under pressure"],
            improvements=["stage firmware rollouts, 1% first"],
        ),
        actor="li.office",
    )
    crisis.close("Firmware rolled back; all claims settled", actor="gm.wang")
    records += [stored(e) for e in crisis.pull_events()]
    write(records)
    head = (records[-1].sequence, records[-1].hash)
    show("closed, the whole file", "结案后校验全部文件", verify(load(), keys=ring, head=head))


if __name__ == "__main__":
    main()
