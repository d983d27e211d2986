#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QTranslator;

namespace geolens {

// Installs GeoLens's (and Qt's own) translations for a language and swaps them at run time; every
// widget then retranslates on QEvent::LanguageChange. The choice is kept in QSettings.
class LanguageSwitcher : public QObject {
    Q_OBJECT

public:
    explicit LanguageSwitcher(QObject *parent = nullptr);
    ~LanguageSwitcher() override;

    // Language codes with a translation, English ("en") first.
    static QStringList availableLanguages();
    // A language's name in that language, for menus.
    static QString nativeName(const QString &code);

    // "" follows the system locale. Returns the language actually in effect ("en" when the
    // requested one has no translation). remember stores the choice for the next start.
    QString apply(const QString &code, bool remember = true);
    // The stored choice ("" for the system's), applied.
    QString applySaved();
    QString requested() const { return requested_; }
    QString current() const { return current_; }

signals:
    void languageChanged(const QString &code);

private:
    std::unique_ptr<QTranslator> appTranslator_;
    std::unique_ptr<QTranslator> qtTranslator_;
    QString requested_;
    QString current_ = QStringLiteral("en");
};

} // namespace geolens
