from root_conf import *  # noqa: F403

extensions = [*extensions, "packets"]  # noqa: F405
# One good packet, and the two mistakes the build names by this file's line.
handbook_packets = {
    "good": {"title": "A Good Packet", "exercises": ["for-two"]},
    "unknown": {"title": "Unknown", "exercises": ["for-two", "no-such-exercise"]},
    "empty": {"title": "Empty", "exercises": []},
}
