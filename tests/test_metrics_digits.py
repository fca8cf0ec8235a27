"""Tests for bgan_teach.metrics.digits: the classifier-based digit scores."""
import numpy as np
import pytest
import torch

from bgan_teach.data import digit_labels
from bgan_teach.metrics import digits as md


@pytest.mark.parametrize("k", [2, 4, 17])
def test_classifier_held_out_accuracy_well_above_chance(k):
    """Check that the classifier for each encoding is accurate on held-out real digits (chance is 0.1)."""
    clf = md.digit_classifier(k)
    assert clf.accuracy > 0.85
    assert 0.8 < clf.confidence <= 1.0


def test_classifier_is_cached_and_deterministic():
    """Check that the classifier is fitted once per encoding and gives identical predictions."""
    assert md.digit_classifier(2) is md.digit_classifier(2)
    x = md.digit_data(2)[:50]
    np.testing.assert_array_equal(md.digit_classifier(2).predict_proba(x), md.digit_classifier(2).predict_proba(x))


@pytest.mark.parametrize("k", [2, 4])
def test_coverage_of_real_digits_is_nearly_uniform(k):
    """Check that real digits (about 180 per class) give a label histogram near 10 % per class."""
    cov = md.class_coverage(md.digit_data(k), k)
    assert cov.shape == (10,)
    assert cov.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(cov, 0.1, atol=0.02)


def test_coverage_of_a_single_class_is_one_hot():
    """Check that samples of a single real class are counted (almost) entirely in that class."""
    x = md.digit_data(2)[digit_labels() == 3]
    cov = md.class_coverage(x, 2)
    assert cov.argmax() == 3 and cov[3] > 0.85
    scores = md.digit_scores(x, 2)
    assert scores["classes_covered"] == 1 and not scores["meets_bar"]


def test_scores_of_real_digits_meet_the_bar():
    """Check that real digits meet the digits bar, with zero pixel error against themselves."""
    scores = md.digit_scores(md.digit_data(2), 2)
    assert scores["meets_bar"] and scores["classes_covered"] == 10
    assert scores["pixel_error"] == 0.0
    assert scores["confidence"] == pytest.approx(md.mean_confidence(md.digit_data(2), 2))


def test_pixel_marginal_error_matches_closed_form_for_binary():
    """Check that for K = 2 the error equals mean_d |mean sample pixel - mean data pixel| (TV of Bernoullis)."""
    gen = torch.Generator().manual_seed(0)
    x = (torch.rand(500, 64, generator=gen) < 0.3).long()
    expected = (x.double().mean(0) - md.digit_data(2).double().mean(0)).abs().mean().item()
    assert md.pixel_marginal_error(x, 2) == pytest.approx(expected, rel=1e-12)


def test_pixel_marginal_error_of_blank_images():
    """Check that all-zero images have error equal to the data's mean ink per pixel (K = 2)."""
    blank = torch.zeros(10, 64, dtype=torch.long)
    assert md.pixel_marginal_error(blank, 2) == pytest.approx(md.digit_data(2).double().mean().item())


def test_noise_scores_low_confidence():
    """Check that uniform random pixels look less digit-like than real digits."""
    gen = torch.Generator().manual_seed(1)
    noise = torch.randint(0, 2, (500, 64), generator=gen)
    assert md.mean_confidence(noise, 2) < md.digit_classifier(2).confidence


def test_accepts_8x8_images_and_numpy():
    """Check that (N, 8, 8) images and numpy arrays give the same coverage as (N, 64) tensors."""
    x = md.digit_data(4)[:100]
    ref = md.class_coverage(x, 4)
    np.testing.assert_array_equal(md.class_coverage(x.view(-1, 8, 8), 4), ref)
    np.testing.assert_array_equal(md.class_coverage(x.numpy(), 4), ref)


@pytest.mark.parametrize("bad, k, match", [
    (torch.zeros(5, 64), 2, "integer"),
    (torch.zeros(5, 63, dtype=torch.long), 2, "shape"),
    (torch.zeros(0, 64, dtype=torch.long), 2, "shape"),
    (torch.full((5, 64), 2), 2, r"\[0, 2\)"),
    (torch.full((5, 64), -1), 4, r"\[0, 4\)"),
    (torch.zeros(5, 64, dtype=torch.long), 1, "num_categories"),
    (torch.zeros(5, 64, dtype=torch.long), 18, "num_categories"),
    (torch.zeros(5, 64, dtype=torch.long), 2.0, "num_categories"),
])
def test_bad_input_raises_value_error(bad, k, match):
    """Check that wrong dtype, shape, range or K raise ValueError naming the problem."""
    with pytest.raises(ValueError, match=match):
        md.digit_scores(bad, k)
