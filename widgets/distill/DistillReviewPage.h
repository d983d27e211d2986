#pragma once

#include "DistillWizardPage.h"

#include <QStringList>

class QLabel;
class QPlainTextEdit;

namespace geolens {

// The last page: the run.json that Launch saves, and every problem that keeps the run from
// starting; Launch stays disabled until there is none.
class DistillReviewPage : public DistillWizardPage {
    Q_OBJECT

public:
    explicit DistillReviewPage(DistillWizard *wizard);

    void initializePage() override;

    bool isComplete() const override { return problemList_.isEmpty(); }

private:
    QPlainTextEdit *json_;
    QLabel *problems_;
    QStringList problemList_;
};

} // namespace geolens
