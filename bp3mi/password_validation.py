"""Django's password rules, worded in the portal's Indonesian ("kata sandi" throughout).

Django's own Indonesian catalogue mixes "sandi" and "kata sandi"; these subclasses change only
the wording, never the rule.
"""

from django.contrib.auth import password_validation as django_rules
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "Kata sandi ini terlalu pendek. Gunakan paling sedikit %d karakter.",
            "Kata sandi ini terlalu pendek. Gunakan paling sedikit %d karakter.",
            self.min_length,
        ) % (self.min_length,)

    def get_help_text(self):
        return ngettext(
            "Kata sandi paling sedikit %(min_length)d karakter.",
            "Kata sandi paling sedikit %(min_length)d karakter.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_rules.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("Kata sandi ini terlalu mirip dengan %(verbose_name)s Anda.")

    def get_help_text(self):
        return _("Kata sandi tidak boleh mirip dengan nama atau alamat e-mail Anda.")


class CommonPasswordValidator(django_rules.CommonPasswordValidator):
    def get_error_message(self):
        return _("Kata sandi ini terlalu umum dan mudah ditebak.")

    def get_help_text(self):
        return _("Kata sandi tidak boleh kata sandi yang umum dipakai.")


class NumericPasswordValidator(django_rules.NumericPasswordValidator):
    def get_error_message(self):
        return _("Kata sandi ini hanya berisi angka.")

    def get_help_text(self):
        return _("Kata sandi tidak boleh hanya berisi angka.")
