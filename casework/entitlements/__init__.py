"""Welfare entitlements as rules-as-code: rules files by date (``rules``), facts in
arrays (``facts``), judged in bulk and explained (``evaluate``), kept as decisions
(``decisions``), screened over the registry (``screening``)."""
