"""What the handbook must contain (the chapters issue), for the tests."""

CHAPTERS = {
    "welcome": "How to Use This Handbook",
    "what-is-emotional-intimacy": "What Emotional Intimacy Is",
    "science-of-connection": "The Science of Connection",
    "consistency": "Pillar One: Consistency",
    "responsiveness": "Pillar Two: Responsiveness",
    "empathy": "Pillar Three: Empathy",
    "busy-lives": "Intimacy in Busy Lives",
    "the-cycle": "The Cycle Under the Arguments",
    "disagreements": "Arguments That Come Back",
    "vulnerability": "Vulnerability and Closeness",
    "sex-and-closeness": "Sex and Physical Closeness",
    "daily-connection": "Connection in Daily Life",
    "life-changes": "Closeness Through Big Changes",
    "after-betrayal": "After a Betrayal",
    "when-one-is-struggling": "When One of You Is Struggling",
    "different-minds": "Different Minds, Same Team",
    "money-troubles": "Money Troubles",
    "family-and-later-life": "Family, Culture, Later Life",
    "leaving-or-staying": "Leaving or Staying",
    "couples-therapy": "How Couples Therapy Helps",
    "getting-help": "When You Need More Help",
}

# Chapters about research or therapy methods: at least three sources each.
RESEARCH_CHAPTERS = (
    "science-of-connection",
    "consistency",
    "responsiveness",
    "empathy",
    "the-cycle",
    "couples-therapy",
    "vulnerability",
    "daily-connection",
    "disagreements",
    "sex-and-closeness",
    "after-betrayal",
    "life-changes",
    "getting-help",
    "when-one-is-struggling",
    "different-minds",
    "money-troubles",
    "family-and-later-life",
    "leaving-or-staying",
)

# Readers who once found almost nothing (issue 22): the chapter that is
# theirs, and words of the Start Here heading that sends them there.
READERS = {
    "a partner with depression or anxiety": (
        "when-one-is-struggling",
        "depressed or anxious",
    ),
    "neurodivergent partners": ("different-minds", "autistic or have ADHD"),
    "money troubles": ("money-troubles", "Money is tight"),
    "later life": ("family-and-later-life", "getting older"),
    "in-laws and culture": ("family-and-later-life", "in-laws or cultures"),
    "leaving or staying": ("leaving-or-staying", "wants to leave"),
    "someone who has hurt a partner": ("getting-help", "hurt or frightened my partner"),
}

EXERCISES = (
    "where-are-we-now",
    "turning-toward-bids",
    "good-news",
    "know-each-other",
    "reflective-listening",
    "stress-reducing-talk",
    "map-your-cycle",
    "softer-feeling",
    "talk-over-a-fight",
    "money-stories",
    "sharing-the-load",
    "solve-a-problem",
    "dream-behind-position",
    "softened-start-up",
    "take-a-break",
    "vulnerability-steps",
    "desire-talk",
    "daily-check-in",
    "ritual-of-connection",
    "repair-script",
    "team-through-change",
    "rebuilding-trust",
)

# Where "Leave this site" goes (handbook_quick_exit_url).
NEUTRAL_SITE = "https://www.google.com/"
# Every one printed wherever the crisis lines are: the TTY with the Hotline.
CRISIS_NUMBERS = ("911", "988", "1-800-799-7233", "1-800-787-3224", "88788")
# The help lines checked against official pages (../shared/helplines.md):
# the only phone numbers the handbook may print.
VERIFIED_NUMBERS = {
    "1-800-799-7233": "tel:+18007997233",  # National Domestic Violence Hotline
    "1-800-787-3224": "tel:+18007873224",  # its TTY
    "1-800-662-4357": "tel:+18006624357",  # SAMHSA National Helpline
    "1-800-656-4673": "tel:+18006564673",  # RAINN
    "1-833-852-6262": "tel:+18338526262",  # National Maternal Mental Health Hotline
}

# The six-week path (six-week-path.md): each week's heading up to its colon,
# which names the week's tick box in the path handout ("Week 1 done").
PATH_WEEKS = tuple(f"Week {n}" for n in range(1, 7))
# Sentences of the print edition's templates (docs/_templates/print/), as
# Sphinx's gettext builder writes their msgid, and the template holding each.
PRINT_TEMPLATE_SENTENCES = (
    ("Couples therapy in %(locality)s, %(region)s", "front-matter.html"),
    (
        "This handbook is for learning. It is not therapy, and it does not "
        "replace care from a licensed professional.",
        "front-matter.html",
    ),
    ("Not safe where there is violence, threats or control. In danger:", "crisis.html"),
)
