#pragma once

#include "DistillWizardPage.h"
#include "distill/DistillConfig.h"
#include "distill/SampleFit.h"

#include <QImage>
#include <QList>

#include <cstddef>
#include <optional>
#include <string>

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace geolens {

class TaskRunner;

// The second page: the instruction data, the optional corpus and validation file. Its Check
// button loads the data off the GUI thread as a run would, and the page does not go on before a
// check found samples to train on.
class DistillDataPage : public DistillWizardPage {
    Q_OBJECT

public:
    explicit DistillDataPage(DistillWizard *wizard);

    void load(const DistillConfig &c);
    void apply(DistillConfig &c) const;

    bool isChecking() const;
    bool isComplete() const override { return checkOk_ && !isChecking(); }
    // Samples the last successful check found (validation included); 0 when not checked.
    std::size_t sampleCount() const { return checkOk_ ? sampleCount_ : 0; }

    // Which training samples of the last check fit in config's max_length at its image size, with
    // the student's image tokens; nothing when the data was not checked or the student cannot be
    // read (its page says why).
    std::optional<SampleFit> sampleFit(const DistillConfig &config) const;
    // The text that tells of samples that do not fit, for a page; empty when all fit.
    static QString sampleFitText(const SampleFit &fit);
    // A file's load report (InstructionLoadReport::summary) in the interface's language; the
    // examples' details are the loader's own words.
    static QString loadReportText(const InstructionLoadReport &report);

    bool validatePage() override;
    void startCheck();

private:
    struct SampleView {
        QImage thumbnail;
        QString text;
    };
    struct DataCheckResult {
        bool ok = false;
        QString error;
        QString summary;
        std::size_t entries = 0;
        std::size_t samples = 0;
        QList<SampleView> shown;
        std::vector<SampleLength> lengths;
        QString lengthNote; // why the lengths were not measured
    };
    // Runs off the GUI thread: everything it needs is passed by value.
    static DataCheckResult checkInstructionData(std::string data, std::string images, std::string validation,
                                                double fraction, std::string student);

    void invalidate();
    // result is empty when the check itself failed (error says why).
    void checkFinished(std::optional<DataCheckResult> result, const QString &error);

    QLineEdit *data_, *images_, *corpus_, *validation_, *fraction_;
    QPushButton *check_;
    QProgressBar *busy_;
    QLabel *summary_;
    QListWidget *samples_;
    TaskRunner *runner_; // the check
    bool checkOk_ = false;
    std::size_t sampleCount_ = 0;
    std::vector<SampleLength> lengths_; // of the last successful check
    QString checkError_;
    unsigned generation_ = 0; // the state of the fields; a check started at another one is stale
    unsigned started_ = 0;
};

} // namespace geolens
