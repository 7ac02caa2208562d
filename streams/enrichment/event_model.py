"""The data the event resolver works on: a sentence with its actors, the triggers found in
it, and the events they make before they become ``CooperationEvent`` records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

EVENT_TYPES = ("meeting", "visit", "agreement", "intelligence_sharing", "joint_operation", "training", "extradition")
# Talks held beside a larger gathering ('on the sidelines of the summit', 'en marge de la conférence',
# 'al margen de la cumbre', 'à margem da reunião', 'aprovechando la reunión ministerial'; folded): the
# gathering's venue is no party to them, and they are an incident apart from it.
ON_THE_SIDELINES = re.compile(
    r"\b(?:on|in|at) the (?:sidelines?|margins|fringes) of\b|\ben marge d|\b(?:al|a|en el) margen d"
    r"|\ben (?:los|las) margenes d|\ba margem d|\bnas margens d|\baprovechando (?:la|el) (?:reunion|cumbre|cita|conferencia|foro)\b")
HOSTED_TYPES = ("meeting", "visit", "agreement", "training")   # gatherings: held at a host's


@dataclass
class Actor:
    """A country a sentence names, or a body it names (as the body's country)."""
    start: int
    end: int
    code: str
    source: str                  # country | agency | ministry
    locative: bool = False       # a place where something happens ('in Morocco')
    destination: bool = False    # where someone goes ('to Rabat', 'visited Kabul')
    label: str = ""
    kind: str = ""               # the country mention's kind (name, demonym...), empty for a body
    crime_place: bool = False    # where criminals operate or goods travel ('groups operating in Syria')
    dateline: bool = False       # the place the report was filed from ('WARSAW - ...')


@dataclass
class SentenceView:
    start: int
    end: int
    text: str
    actors: list[Actor]
    persons: list[tuple[int, int, str]]   # span, canonical name
    bodies: list[str] = field(default_factory=list)   # international bodies it names (gazetteer keys)

    def officials(self) -> set[str]:
        """Countries whose bodies or ministers the sentence names."""
        return {a.code for a in self.actors if a.source in ("agency", "ministry")}


@dataclass(frozen=True)
class Trigger:
    """An expression that reports an event, as found in a sentence (offsets in the sentence).

    kind: ``strong`` reports cooperation by itself; ``weak`` is ordinary police work that
    is cooperation only between two countries named in the sentence; ``talk`` is talks
    (discuss, negotiate) that make a meeting unless the sentence reports something else;
    ``travel`` is an official's movement, a visit to each place reached."""
    type: str
    start: int
    end: int
    kind: str


@dataclass
class Event:
    type: str
    countries: set[str]
    location: str | None
    location_fixed: bool          # the text settles the place (one place named, or several: None)
    evidence: str
    trigger: str
    visitor: str | None = None
    persons: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    inherited: bool = False       # its countries come from the discourse, not its sentence
    from_title: bool = False
    officials: set[str] = field(default_factory=set)   # countries whose officials its sentences name
    when: str | None = None       # the date its sentence gives it ('le 23 septembre', 'in December 2023')
    dated_elsewhere: bool = False # its sentence dates it to another year than the article's
    sentence: int = 0             # where the article first tells it (sentence index)
    mentions: list[int] = field(default_factory=list)   # every sentence that tells it
    named: set[str] = field(default_factory=set)   # the countries its own sentences name
    weak_only: bool = False       # told only by ordinary police work (arrests, seizures)
    generic: bool = False         # only spoken of in general ('Extradition remains the preferred means...')
    one_of_several: bool = False  # talks one side held with each of several partners in turn ('separate talks')
