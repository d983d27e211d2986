#pragma once

#include <QWizardPage>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace geolens {

class DistillWizard;

// What every page of the distillation wizard shares: a message line saying why it cannot go on,
// the number fields it checks before going on, and the small builders of its fields.
class DistillWizardPage : public QWizardPage {
public:
    explicit DistillWizardPage(DistillWizard *wizard);

    QString problem() const;

protected:
    bool refuse(const QString &message);
    void clearProblem();
    void addNumber(QLineEdit *edit, const QString &name) { numbers_.emplace_back(edit, name); }
    // Refuses the first number field whose text is not a number.
    bool checkNumbers();
    static double number(const QLineEdit *edit, double fallback);

    static QString qs(const std::string &text);
    // The shortest text that reads back as the same double, so that showing a value and reading
    // it again never changes the configuration.
    static QString numberText(double value);
    // "7.06 B", "120.5 M", "3.2 k": a parameter count at a glance.
    static QString parameterCountText(std::uint64_t n);
    static QLineEdit *numberEdit(const QString &toolTip);
    static QSpinBox *countBox(int minimum, const QString &toolTip);
    static QCheckBox *checkBox(const QString &text, const QString &toolTip);
    // A line edit with a Browse button that starts where the user last looked for this kind of
    // path (settingsKey in QSettings).
    static QWidget *pathRow(QLineEdit *edit, bool directory, const char *settingsKey, const QString &filter,
                            QWidget *parent);

    DistillWizard *wizard_;
    QLabel *problemLabel_;

private:
    std::vector<std::pair<QLineEdit *, QString>> numbers_;
};

} // namespace geolens
