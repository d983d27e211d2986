#pragma once

#include "DistillWizardPage.h"
#include "distill/DistillConfig.h"

#include <utility>
#include <vector>

class QButtonGroup;
class QCheckBox;
class QFormLayout;
class QGroupBox;
class QLineEdit;
class QSpinBox;

namespace geolens {

// The third page: the method, as one of the presets, and under Advanced every weight and
// hyperparameter of it (loss terms, MiniLLM, LoRA).
class DistillMethodPage : public DistillWizardPage {
    Q_OBJECT

public:
    explicit DistillMethodPage(DistillWizard *wizard);

    // Selects a method and resets every advanced setting (and the SFT warm start) to its preset.
    void choosePreset(DistillMethod method);
    void load(const DistillConfig &c);
    void apply(DistillConfig &c) const;
    QString methodText() const;

    bool validatePage() override;

signals:
    void presetChosen(const geolens::DistillConfig &preset);

private:
    using DoubleTarget = double *(*)(DistillConfig &);
    using IntTarget = int *(*)(DistillConfig &);

    void addDouble(QFormLayout *form, const QString &key, DoubleTarget target, const QString &toolTip);
    void addInt(QFormLayout *form, const QString &key, IntTarget target, int minimum, const QString &toolTip);
    QGroupBox *makeTerms();
    QGroupBox *makeMiniLlm();
    QGroupBox *makeLora();
    void loadAdvanced(const DistillConfig &c);

    QButtonGroup *presets_;
    QWidget *advanced_ = nullptr;
    std::vector<std::pair<QLineEdit *, DoubleTarget>> doubles_;
    std::vector<std::pair<QSpinBox *, IntTarget>> ints_;
    QCheckBox *lengthNormalise_ = nullptr;
    QCheckBox *whiten_ = nullptr;
    QCheckBox *loraEnabled_ = nullptr;
    std::vector<QCheckBox *> targets_;
};

} // namespace geolens
