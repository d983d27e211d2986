#include "LanguageSwitcher.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace geolens {

namespace {

const char *const SettingsKey = "ui/language";

} // namespace

LanguageSwitcher::LanguageSwitcher(QObject *parent) : QObject(parent) {}

LanguageSwitcher::~LanguageSwitcher()
{
    if (appTranslator_)
        QCoreApplication::removeTranslator(appTranslator_.get());
    if (qtTranslator_)
        QCoreApplication::removeTranslator(qtTranslator_.get());
}

QStringList LanguageSwitcher::availableLanguages()
{
    return {QStringLiteral("en"), QStringLiteral("zh_CN")};
}

QString LanguageSwitcher::nativeName(const QString &code)
{
    if (code == QLatin1String("zh_CN"))
        return QStringLiteral("简体中文");
    return QStringLiteral("English");
}

QString LanguageSwitcher::apply(const QString &code, bool remember)
{
    requested_ = code;
    if (remember)
        QSettings().setValue(SettingsKey, code);

    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    if (appTranslator_) {
        QCoreApplication::removeTranslator(appTranslator_.get());
        appTranslator_.reset();
    }
    if (qtTranslator_) {
        QCoreApplication::removeTranslator(qtTranslator_.get());
        qtTranslator_.reset();
    }

    QString effective = QStringLiteral("en");
    auto translator = std::make_unique<QTranslator>();
    // Looks for geolens_zh_CN, then geolens_zh, for each of the locale's UI languages; a locale
    // without a translation gets English, whose file carries the plural forms.
    const bool found = translator->load(locale, QStringLiteral("geolens"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
                       translator->load(QStringLiteral("geolens_en"), QStringLiteral(":/i18n"));
    if (found) {
        QCoreApplication::installTranslator(translator.get());
        effective = translator->language().isEmpty() ? locale.name() : translator->language();
        appTranslator_ = std::move(translator);
        auto qt = std::make_unique<QTranslator>();
        if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QCoreApplication::installTranslator(qt.get());
            qtTranslator_ = std::move(qt);
        }
    }
    QLocale::setDefault(effective == QLatin1String("en") ? QLocale(QLocale::English, QLocale::UnitedStates)
                                                         : QLocale(effective));
    current_ = effective;
    emit languageChanged(effective);
    return effective;
}

QString LanguageSwitcher::applySaved()
{
    return apply(QSettings().value(SettingsKey, QString()).toString(), false);
}

} // namespace geolens
