"""The upload form of the import page: one or more CSV files at once."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="CSV files",
        help_text="Pick one or more of the files below at once; they are imported together.",
        widget=MultipleFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_files(self):
        """Each file once, and at most IMPORT_MAX_BYTES in all: checked on the sizes the upload
        gives, before any file is read."""
        files = self.cleaned_data["files"]
        names = [file.name for file in files]
        if repeated := sorted({name for name in names if names.count(name) > 1}):
            raise ValidationError(f"Pick each file once: {', '.join(repeated)} is there twice.")
        size, limit = sum(file.size for file in files), settings.IMPORT_MAX_BYTES
        if size > limit:
            raise ValidationError(
                f"The files are {megabytes(size)} in all, more than the {megabytes(limit)} this"
                " page takes. Split them (by account or by period) and upload the parts one"
                " after the other, or import them with the import_csv command."
            )
        return files

    def contents(self) -> dict[str, bytes]:
        """The uploaded files by name."""
        return {file.name: file.read() for file in self.cleaned_data["files"]}
