"""The exercise machinery itself, and properties every notebook's exercises share."""

import numpy as np
import pytest

from bplib import exercises
from bplib.exercises import Feedback, check, exercise_inputs, list_exercises

NOTEBOOK_PREFIXES = [f"{n:02d}" for n in range(13)]
ALL = [eid for prefix in NOTEBOOK_PREFIXES for eid in list_exercises(prefix)]
WITH_INPUTS = [eid for eid in ALL if eid in exercises._INPUTS]


def test_every_notebook_has_exercises():
    for prefix in NOTEBOOK_PREFIXES:
        assert 2 <= len(list_exercises(prefix)) <= 4, f"notebook {prefix} should have 2-4 exercises"


@pytest.mark.parametrize("exercise_id", WITH_INPUTS)
def test_inputs_are_fresh_and_repeatable(exercise_id):
    """The same numbers on every call, and never the same mutable object: a learner may edit them."""
    first, second = exercise_inputs(exercise_id), exercise_inputs(exercise_id)
    assert first.keys() == second.keys()
    for key in first:
        a, b = first[key], second[key]
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
            assert not np.shares_memory(a, b), f"{exercise_id}: {key} is shared between calls"
        else:
            assert a == b, f"{exercise_id}: {key} differs between calls"
            if isinstance(a, (list, dict, set)):
                assert a is not b, f"{exercise_id}: {key} is shared between calls"


@pytest.mark.parametrize("exercise_id", ALL)
def test_nonsense_gets_a_message_not_an_exception(exercise_id):
    feedback = check(exercise_id, "no idea")
    assert isinstance(feedback, Feedback) and not feedback.ok and feedback.message


def test_unknown_exercise_names_the_known_ones():
    """check() never raises, not even for a wrong id: a ✗ that names the notebook's exercises."""
    feedback = check("05.no_such_exercise", 1)
    assert not feedback.ok and "05.delta1" in feedback.message
    with pytest.raises(KeyError, match="05.delta1"):  # exercise_inputs still refuses it (a KeyError and a ValueError)
        exercise_inputs("05.no_such_exercise")


@pytest.mark.parametrize("exercise_id", ALL)
def test_the_stub_is_not_attempted_yet(exercise_id):
    """`answer = ...` is not wrong, it is not done: a grey "not attempted yet", no hint about method."""
    feedback = check(exercise_id, ...)
    assert not feedback.ok and not feedback.attempted
    assert repr(feedback) == f"[{exercise_id}] … not attempted yet: replace the ... after answer = with your answer, then run the cell again"
    assert check(exercise_id, "no idea").attempted
