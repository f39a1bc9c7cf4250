"""Customer Key: the desired state of the town's keys, the plan to reach it, and safe changes.

``desired`` reads the key plan file; ``plan`` compares it with what a collection saw; ``apply``
executes a plan (create, new version, rotation policy, backup) with a journal entry for every step;
``backup`` writes and verifies ``backup_key`` blobs. There is no code path that deletes, purges,
disables a key, removes a permission or sets an expiry (customer-key.md §1.9): the static test
``tests/unit/keys/test_never.py`` keeps it that way.
"""
