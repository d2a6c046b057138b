"""Rules files for tests: the old-age allowance with an amount raised from 2027."""

# A version that raises the old-age amounts from 1 January 2027; appended to a file whose
# earlier version ends on 31 December 2026.
OLD_AGE_RAISED_FROM_2027 = """\
  - version: "2570"
    from: 2027-01-01
    conditions:
      - {fact: age, at_least: 60}
    benefit:
      per: month
      by: age
      bands:
        - {from: 60, to: 69, baht: 800}
        - {from: 70, to: 79, baht: 900}
        - {from: 80, baht: 1000}
"""

OLD_AGE_RAISED = """\
programme: old_age
entity: person
name: {th: เบี้ยยังชีพผู้สูงอายุ, en: Old-age allowance}
apply:
  where: {th: อบต., en: The SAO}
source: test
versions:
  - version: "2552"
    from: 2009-10-01
    until: 2026-12-31
    conditions:
      - {fact: age, at_least: 60}
    benefit:
      per: month
      by: age
      bands:
        - {from: 60, to: 69, baht: 600}
        - {from: 70, to: 79, baht: 700}
        - {from: 80, baht: 800}
""" + OLD_AGE_RAISED_FROM_2027
