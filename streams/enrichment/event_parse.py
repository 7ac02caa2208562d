"""What the dependency parse tells the event resolver: whether an actor sits in a relative
clause apart from the trigger, and who does what a verb says."""

from __future__ import annotations

from streams.enrichment.event_model import Actor


def relcl_filter(doc):
    """Drop actors inside a relative clause that does not contain the trigger
    ('..., where jihadist groups active in neighbouring Mali ...')."""
    if doc is None:
        return None

    def keep(actor: Actor, trigger_char: int) -> bool:
        span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
        trigger = doc.char_span(trigger_char, trigger_char + 1, alignment_mode="expand")
        if span is None or trigger is None or len(span) == 0 or len(trigger) == 0:
            return True
        token, trigger_token = span.root, trigger[0]
        for ancestor in [token, *token.ancestors]:
            if ancestor.dep_ in ("relcl", "acl:relcl"):
                subtree = range(ancestor.left_edge.i, ancestor.right_edge.i + 1)
                return trigger_token.i in subtree
        return True

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
