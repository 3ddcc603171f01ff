"""`manage.py train_spam_model [--check] [--data-dir DIR]`: rebuild the comment spam model
(scoring/metrics/data/spam_model.json) from the labelled YouTube comments and print its
cross-file figures; with --check, rebuild without writing and fail if the shipped file differs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring import spam_training


class Command(BaseCommand):
    help = "Train the comment spam model, or --check that the shipped one is what training gives."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare, do not write.")
        parser.add_argument(
            "--data-dir", type=Path, default=spam_training.DATA_DIR, help="Where the CSVs are."
        )

    def handle(self, *args, check=False, data_dir=spam_training.DATA_DIR, **options):
        try:
            model = spam_training.build_model(data_dir)
        except (OSError, spam_training.LabelledFileError) as error:
            raise CommandError(str(error)) from error
        for held_out, figures in model["validation"].items():
            for name, f in figures.items():
                self.stdout.write(
                    f"held out {held_out} ({f['n']} comments), {name}: precision "
                    f"{f['precision']:.3f} recall {f['recall']:.3f} F1 {f['f1']:.3f}"
                )
        if check:
            problems = spam_training.compare_with_shipped(model)
            if problems:
                raise CommandError("The shipped spam model differs: " + "; ".join(problems))
            self.stdout.write("The shipped spam model is what training gives.")
            return
        spam_training.write_model(model)
        self.stdout.write(f"Wrote {spam_training.ct.MODEL_PATH}")
