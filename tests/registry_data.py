"""Households and invites for tests, made through the same casework functions the product uses."""
from __future__ import annotations

from datetime import date

from casework import accounts, registry
from casework.citizen_id import with_check_digit
from casework.models import Village


def village(services, code: str = "46010105", name: str = "บ้านโนนสวรรค์") -> str:
    with services.uow() as uow:
        if uow.session.get(Village, code) is None:
            uow.session.add(Village(code=code, subdistrict_code=code[:6], number=int(code[6:]), name=name,
                                    created_at=services.clock(), created_by="test"))
            uow.commit()
    return code


def household(services, village_code: str = "46010105", house_no: str = "12", *, head: str = "สมชาย ใจดี",
              citizen: str = "110170012345", status: str = "listed") -> int:
    village(services, village_code)
    first, last = head.split(" ", 1)
    head_person = registry.NewPerson(first_name=first, last_name=last, relation="head", sex="M",
                                     birth_date=date(1961, 3, 12), citizen_id=with_check_digit(citizen))
    with services.uow() as uow:
        home = registry.add_household(uow.session, uow.sealer, village_code=village_code, house_no=house_no,
                                      address="ถนนมิตรภาพ", people=[head_person], source="imported",
                                      status=status, actor="test", now=services.clock())
        uow.commit()
        return home.id


def invite(services, role: str, area_code: str, name: str = "ทดสอบ") -> str:
    with services.uow() as uow:
        if len(area_code) == 8:
            village(services, area_code)
        code = accounts.create_invite(uow.session, uow.sealer, role=role, area_code=area_code, name=name,
                                      now=services.clock(), created_by="test")
        uow.commit()
    return code
