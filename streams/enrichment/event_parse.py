"""What the dependency parse tells the event resolver: whether an actor sits in a relative
clause apart from the trigger, and who does what a verb says."""

from __future__ import annotations

from streams.enrichment.event_model import Actor


def relcl_filter(doc):
    """Drop actors inside a relative clause that does not contain the trigger
    ('..., where jihadist groups active in neighbouring Mali ...')."""
    if doc is None:
        return None

    # each actor and each trigger is looked up for every pairing of them in its sentence: their
    # tokens and clauses are found once
    clauses: dict[tuple[int, int], range | None] = {}
    trigger_tokens: dict[int, int | None] = {}

    def clause_of(start: int, end: int) -> range | None:
        """The token range of the relative clause the span sits in, or None."""
        if (start, end) not in clauses:
            span = doc.char_span(start, end, alignment_mode="expand")
            clauses[start, end] = None
            if span is not None and len(span):
                token = span.root
                for ancestor in [token, *token.ancestors]:
                    if ancestor.dep_ in ("relcl", "acl:relcl"):
                        clauses[start, end] = range(ancestor.left_edge.i, ancestor.right_edge.i + 1)
                        break
        return clauses[start, end]

    def token_at(char: int) -> int | None:
        if char not in trigger_tokens:
            trigger = doc.char_span(char, char + 1, alignment_mode="expand")
            trigger_tokens[char] = trigger[0].i if trigger is not None and len(trigger) else None
        return trigger_tokens[char]

    def keep(actor: Actor, trigger_char: int) -> bool:
        clause = clause_of(actor.start, actor.end)
        if clause is None:
            return True
        trigger = token_at(trigger_char)
        return trigger is None or trigger in clause

    return keep


def subject_finder(doc):
    """The character span of whoever does what the verb written at [start, end) says, by the
    parse: its subject, the agent of its passive ('hosted by X'), or the noun a relative
    clause hangs on ('the ministry, which hosted the talks')."""
    if doc is None:
        return None

    def chars(token) -> tuple[int, int]:
        last = doc[token.right_edge.i]
        return doc[token.left_edge.i].idx, last.idx + len(last)

    def subject(start: int, end: int) -> tuple[int, int] | None:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        verb = span.root
        for child in verb.children:
            if child.dep_ in ("agent", "obl:agent"):
                return chars(child)
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubj:pass", "nsubjpass"):
                if child.tag_ in ("WDT", "WP") or child.lower_ in ("qui", "which", "who", "que"):
                    break
                return chars(child)
        if verb.dep_ in ("relcl", "acl:relcl") and verb.head.i < verb.i:
            head = verb.head
            return doc[head.left_edge.i].idx, head.idx + len(head)
        return None

    return subject
