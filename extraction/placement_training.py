"""Training the placement classifier (issue 18): `python -m extraction.placement_training`.

Kept apart from :mod:`extraction.placement_learned` (the classifier the placer runs) because training
reads the gold set through :mod:`extraction.placement_eval`, which itself runs the placer: one module
each way, no import cycle. Needs ../shared/data (the titles stay there; only numbers are written).
"""

from __future__ import annotations

from pathlib import Path

from extraction.placement_learned import (
    CONTEXT_WEIGHT,
    L2,
    MIN_DF,
    MODEL_DIR,
    NODE_TERM_WEIGHT,
    OOF_PATH,
    ROOT,
    TERM_WEIGHT,
    examples_from_gold,
    out_of_fold_support,
    train,
    write_oof,
)


def train_and_save(model_dir: Path = MODEL_DIR, oof_path: Path = OOF_PATH) -> dict:
    """Train on the calibration data (tuning part + first held-out part; never heldout2/heldout3) with the
    chain files in data/chains, save the model, and write the out-of-fold outputs. Needs ../shared/data."""
    from extraction.chain_profiles import profiles_from_chain_dir
    from extraction.placement_eval import CHAINS, calibration_gold

    gold = calibration_gold()
    profiles = profiles_from_chain_dir(ROOT / "data" / "chains")
    model = train(examples_from_gold(gold), profiles, CHAINS)
    meta = {"trained_on": "tests/gold/placement_gold.tsv splits tune + heldout (calibration data)", "titles": len(gold),
            "l2": L2, "min_df": MIN_DF, "term_weight": TERM_WEIGHT, "node_term_weight": NODE_TERM_WEIGHT,
            "context_weight": CONTEXT_WEIGHT}
    model.save(model_dir, meta)
    write_oof(oof_path, out_of_fold_support(gold, profiles, CHAINS), CHAINS)
    return {"titles": len(gold), "features": len(model.vocab_list)}


if __name__ == "__main__":
    print(train_and_save())
