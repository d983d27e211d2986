#include "DistillReviewPage.h"

#include "DistillDataPage.h"
#include "DistillWizard.h"
#include "distill/RunReview.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace geolens {

DistillReviewPage::DistillReviewPage(DistillWizard *wizard)
    : DistillWizardPage(wizard), json_(new QPlainTextEdit), problems_(new QLabel)
{
    setTitle(tr("Review"));
    setSubTitle(tr("The run configuration that will be saved as run.json in the output folder."));
    auto *layout = new QVBoxLayout(this);
    json_->setObjectName(QStringLiteral("json"));
    json_->setReadOnly(true);
    json_->setLineWrapMode(QPlainTextEdit::NoWrap);
    json_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    json_->setToolTip(tr("Exactly what run.json will hold"));
    layout->addWidget(json_, 1);
    problems_->setObjectName(QStringLiteral("problems"));
    problems_->setWordWrap(true);
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(problems_);
    layout->addWidget(problemLabel_);
}

void DistillReviewPage::initializePage()
{
    const RunReview review = RunReview::of(wizard_->config());
    json_->setPlainText(qs(review.json));
    problemList_.clear();
    for (const std::string &p : review.problems)
        problemList_ << qs(p);
    // A run whose samples all exceed max_length would train on nothing.
    if (const std::optional<SampleFit> fit = wizard_->sampleFit(); fit && fit->noneFit())
        problemList_ << DistillDataPage::sampleFitText(*fit);
    if (problemList_.isEmpty())
        problems_->setText(tr("No problems found: Launch saves run.json and starts the run."));
    else
        problems_->setText(tr("Launch is disabled until these are fixed:") + QStringLiteral("\n• ")
                           + problemList_.join(QStringLiteral("\n• ")));
    emit completeChanged();
}

} // namespace geolens
