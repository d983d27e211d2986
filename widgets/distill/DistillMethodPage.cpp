#include "DistillMethodPage.h"

#include "DistillWizard.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <set>
#include <string>

namespace geolens {

DistillMethodPage::DistillMethodPage(DistillWizard *wizard)
    : DistillWizardPage(wizard), presets_(new QButtonGroup(this))
{
    setTitle(tr("Method"));
    setSubTitle(tr("How the student learns from the teacher. Choosing a method resets the advanced settings to its own."));
    auto *layout = new QVBoxLayout(this);
    auto *grid = new QGridLayout;
    const std::pair<DistillMethod, QString> methods[] = {
        {DistillMethod::Paper, tr("SFT warm start, then MiniLLM (policy gradient and per-token reverse KL), "
                                  "feature alignment and the pretraining loss")},
        {DistillMethod::Kd, tr("Hinton's token-level knowledge distillation on the dataset's answers")},
        {DistillMethod::Sft, tr("Cross-entropy on the dataset's answers alone: the baseline without a teacher")},
        {DistillMethod::Rkl, tr("Per-token reverse KL to the teacher on the dataset's answers")},
        {DistillMethod::SeqKd, tr("Cross-entropy on the answers the teacher generates")},
        {DistillMethod::Align, tr("Alignment of the projector features, with cross-entropy on the answers")},
    };
    int row = 0;
    for (const auto &[method, explanation] : methods) {
        auto *radio = new QRadioButton(QString::fromLatin1(methodName(method)), this);
        radio->setObjectName(QStringLiteral("preset_") + QString::fromLatin1(methodName(method)));
        radio->setToolTip(explanation);
        presets_->addButton(radio, static_cast<int>(method));
        grid->addWidget(radio, row, 0);
        auto *label = new QLabel(explanation, this);
        label->setWordWrap(true);
        grid->addWidget(label, row, 1);
        ++row;
    }
    // A method whose student is not a language model: its steps (a teacher pass over the tiles,
    // a CNN trained on its answers) have a wizard of their own.
    auto *classifier = new QPushButton(tr("Fast tile classifier (multi-aspect)..."), this);
    classifier->setObjectName(QStringLiteral("tileClassifierMethod"));
    classifier->setToolTip(tr("Instead of a smaller language model, a small CNN that learns the teacher's class and "
                              "yes/no aspects of every tile and labels a whole mosaic hundreds of times faster"));
    connect(classifier, &QPushButton::clicked, wizard, [wizard] {
        emit wizard->tileClassifierRequested();
        wizard->reject();
    });
    grid->addWidget(classifier, row, 0);
    auto *classifierNote = new QLabel(tr("A small CNN that learns the teacher's class and yes/no aspects of every tile: "
                                         "a whole mosaic labelled in minutes"),
                                      this);
    classifierNote->setWordWrap(true);
    grid->addWidget(classifierNote, row, 1);
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid);

    auto *toggle = new QToolButton(this);
    toggle->setObjectName(QStringLiteral("advancedToggle"));
    toggle->setText(tr("Advanced"));
    toggle->setToolTip(tr("Every weight and hyperparameter of the method"));
    toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toggle->setArrowType(Qt::RightArrow);
    toggle->setCheckable(true);
    toggle->setAutoRaise(true);
    layout->addWidget(toggle);
    advanced_ = new QWidget(this);
    advanced_->setObjectName(QStringLiteral("advanced"));
    advanced_->hide();
    auto *columns = new QHBoxLayout(advanced_);
    columns->setContentsMargins(0, 0, 0, 0);
    columns->addWidget(makeTerms(), 1, Qt::AlignTop);
    columns->addWidget(makeMiniLlm(), 1, Qt::AlignTop);
    columns->addWidget(makeLora(), 1, Qt::AlignTop);
    layout->addWidget(advanced_);
    layout->addStretch(1);
    layout->addWidget(problemLabel_);

    connect(toggle, &QToolButton::toggled, this, [this, toggle](bool on) {
        advanced_->setVisible(on);
        toggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    });
    connect(presets_, &QButtonGroup::idClicked, this, [this](int id) { choosePreset(static_cast<DistillMethod>(id)); });
}

void DistillMethodPage::choosePreset(DistillMethod method)
{
    if (QAbstractButton *b = presets_->button(static_cast<int>(method)))
        b->setChecked(true);
    const DistillConfig p = DistillConfig::preset(method);
    loadAdvanced(p);
    emit presetChosen(p);
}

void DistillMethodPage::load(const DistillConfig &c)
{
    if (const auto method = parseDistillMethod(c.method))
        presets_->button(static_cast<int>(*method))->setChecked(true);
    else if (QAbstractButton *checked = presets_->checkedButton()) {
        // An unknown method is kept as written (validate() reports it), with no button checked.
        presets_->setExclusive(false);
        checked->setChecked(false);
        presets_->setExclusive(true);
    }
    loadAdvanced(c);
}

void DistillMethodPage::apply(DistillConfig &c) const
{
    if (presets_->checkedId() >= 0)
        c.method = methodName(static_cast<DistillMethod>(presets_->checkedId()));
    for (const auto &[edit, target] : doubles_)
        *target(c) = number(edit, *target(c));
    for (const auto &[box, target] : ints_)
        *target(c) = box->value();
    c.minillm.lengthNormalise = lengthNormalise_->isChecked();
    c.minillm.whitenAdvantages = whiten_->isChecked();
    c.lora.enabled = loraEnabled_->isChecked();
    std::vector<std::string> targets;
    for (std::size_t i = 0; i < targets_.size(); ++i)
        if (targets_[i]->isChecked())
            targets.push_back(LoraSettings::knownTargets()[i]);
    // The same set in the order the configuration had keeps the round trip exact.
    if (std::set<std::string>(targets.begin(), targets.end())
        != std::set<std::string>(c.lora.targets.begin(), c.lora.targets.end()))
        c.lora.targets = targets;
}

QString DistillMethodPage::methodText() const
{
    return presets_->checkedId() >= 0 ? QString::fromLatin1(methodName(static_cast<DistillMethod>(presets_->checkedId())))
                                      : QString();
}

bool DistillMethodPage::validatePage()
{
    clearProblem();
    if (presets_->checkedId() < 0)
        return refuse(tr("Choose a method."));
    return checkNumbers();
}

void DistillMethodPage::addDouble(QFormLayout *form, const QString &key, DoubleTarget target, const QString &toolTip)
{
    QLineEdit *edit = numberEdit(toolTip);
    edit->setObjectName(key);
    form->addRow(key, edit);
    addNumber(edit, key);
    doubles_.emplace_back(edit, target);
}

void DistillMethodPage::addInt(QFormLayout *form, const QString &key, IntTarget target, int minimum, const QString &toolTip)
{
    QSpinBox *box = countBox(minimum, toolTip);
    box->setObjectName(key);
    form->addRow(key, box);
    ints_.emplace_back(box, target);
}

QGroupBox *DistillMethodPage::makeTerms()
{
    auto *box = new QGroupBox(tr("Loss terms"), this);
    auto *form = new QFormLayout(box);
    addDouble(form, QStringLiteral("terms.align"), [](DistillConfig &c) { return &c.terms.align; },
              tr("Weight of the MSE between the teacher's and the student's projector outputs"));
    addDouble(form, QStringLiteral("terms.policy"), [](DistillConfig &c) { return &c.terms.policy; },
              tr("Weight of MiniLLM's long-term policy-gradient term"));
    addDouble(form, QStringLiteral("terms.single"), [](DistillConfig &c) { return &c.terms.single; },
              tr("Weight of the exact per-token reverse KL over the vocabulary"));
    addDouble(form, QStringLiteral("terms.pt"), [](DistillConfig &c) { return &c.terms.pt; },
              tr("Weight of the pretraining loss L_PT on the corpus"));
    addDouble(form, QStringLiteral("terms.kd"), [](DistillConfig &c) { return &c.terms.kd; },
              tr("Weight of Hinton's knowledge distillation loss"));
    addDouble(form, QStringLiteral("terms.ce"), [](DistillConfig &c) { return &c.terms.ce; },
              tr("Weight of the cross-entropy on the answers"));
    addDouble(form, QStringLiteral("terms.kd_temperature"), [](DistillConfig &c) { return &c.terms.kdTemperature; },
              tr("Softmax temperature of both models in the KD loss"));
    addDouble(form, QStringLiteral("terms.kd_lambda"), [](DistillConfig &c) { return &c.terms.kdLambda; },
              tr("Share of the KD loss that is the KL to the teacher; the rest is cross-entropy"));
    return box;
}

QGroupBox *DistillMethodPage::makeMiniLlm()
{
    auto *box = new QGroupBox(tr("MiniLLM"), this);
    auto *form = new QFormLayout(box);
    addDouble(form, QStringLiteral("minillm.alpha"), [](DistillConfig &c) { return &c.minillm.alpha; },
              tr("Teacher share of the mixture the rollouts are sampled from"));
    addDouble(form, QStringLiteral("minillm.gamma"), [](DistillConfig &c) { return &c.minillm.gamma; },
              tr("Discount of the long-term reward"));
    addDouble(form, QStringLiteral("minillm.clip_ratio"), [](DistillConfig &c) { return &c.minillm.clipRatio; },
              tr("PPO clip: the probability ratio is kept within 1 ± this"));
    addInt(form, QStringLiteral("minillm.ppo_epochs"), [](DistillConfig &c) { return &c.minillm.ppoEpochs; }, 0,
           tr("Optimisation passes over each batch of rollouts"));
    addInt(form, QStringLiteral("minillm.rollout_batch_size"),
           [](DistillConfig &c) { return &c.minillm.rolloutBatchSize; }, 0, tr("Prompts per batch of rollouts"));
    addInt(form, QStringLiteral("minillm.max_new_tokens"), [](DistillConfig &c) { return &c.minillm.maxNewTokens; }, 0,
           tr("Longest answer a rollout generates, in tokens"));
    addDouble(form, QStringLiteral("minillm.kd_ratio"), [](DistillConfig &c) { return &c.minillm.kdRatio; },
              tr("Share of L_PT computed against the teacher's distribution instead of the corpus tokens"));
    addDouble(form, QStringLiteral("minillm.reward_scale"), [](DistillConfig &c) { return &c.minillm.rewardScale; },
              tr("Rewards are divided by this before clamping"));
    addDouble(form, QStringLiteral("minillm.reward_clamp"), [](DistillConfig &c) { return &c.minillm.rewardClamp; },
              tr("Scaled rewards are clamped to ± this"));
    addDouble(form, QStringLiteral("minillm.temperature"), [](DistillConfig &c) { return &c.minillm.temperature; },
              tr("Sampling temperature of the rollouts"));
    addInt(form, QStringLiteral("minillm.top_k"), [](DistillConfig &c) { return &c.minillm.topK; }, 0,
           tr("Rollouts sample among this many most likely tokens; 0 turns it off"));
    addDouble(form, QStringLiteral("minillm.top_p"), [](DistillConfig &c) { return &c.minillm.topP; },
              tr("Nucleus sampling of the rollouts; 1 turns it off"));
    lengthNormalise_ = checkBox(tr("Length-normalised reward"), tr("Divides the long-term reward by the answer length"));
    lengthNormalise_->setObjectName(QStringLiteral("minillm.length_normalise"));
    form->addRow(lengthNormalise_);
    whiten_ = checkBox(tr("Whiten advantages"), tr("Scales the advantages of a batch to zero mean and unit variance"));
    whiten_->setObjectName(QStringLiteral("minillm.whiten_advantages"));
    form->addRow(whiten_);
    return box;
}

QGroupBox *DistillMethodPage::makeLora()
{
    auto *box = new QGroupBox(tr("LoRA"), this);
    auto *form = new QFormLayout(box);
    loraEnabled_ = checkBox(tr("Train LoRA adapters"),
                            tr("Trains small low-rank adapters instead of every weight of the language model"));
    loraEnabled_->setObjectName(QStringLiteral("lora.enabled"));
    form->addRow(loraEnabled_);
    addInt(form, QStringLiteral("lora.rank"), [](DistillConfig &c) { return &c.lora.rank; }, 0,
           tr("Rank of each adapter: larger learns more and needs more memory"));
    addDouble(form, QStringLiteral("lora.alpha"), [](DistillConfig &c) { return &c.lora.alpha; },
              tr("Adapter scale: the update is multiplied by alpha / rank"));
    addDouble(form, QStringLiteral("lora.dropout"), [](DistillConfig &c) { return &c.lora.dropout; },
              tr("Dropout on the adapters' input; 0 for the paper's method, whose PPO ratio it would disturb"));
    auto *targets = new QWidget(box);
    auto *grid = new QGridLayout(targets);
    grid->setContentsMargins(0, 0, 0, 0);
    int i = 0;
    for (const std::string &name : LoraSettings::knownTargets()) {
        auto *target = checkBox(qs(name), tr("Wraps the %1 projection of every layer with an adapter").arg(qs(name)));
        target->setObjectName(QStringLiteral("lora.targets.") + qs(name));
        grid->addWidget(target, i / 4, i % 4);
        targets_.push_back(target);
        ++i;
    }
    form->addRow(QStringLiteral("lora.targets"), targets);
    connect(loraEnabled_, &QCheckBox::toggled, targets, &QWidget::setEnabled);
    return box;
}

void DistillMethodPage::loadAdvanced(const DistillConfig &c)
{
    DistillConfig copy = c;
    for (const auto &[edit, target] : doubles_)
        edit->setText(numberText(*target(copy)));
    for (const auto &[box, target] : ints_)
        box->setValue(*target(copy));
    lengthNormalise_->setChecked(c.minillm.lengthNormalise);
    whiten_->setChecked(c.minillm.whitenAdvantages);
    loraEnabled_->setChecked(c.lora.enabled);
    for (std::size_t i = 0; i < targets_.size(); ++i)
        targets_[i]->setChecked(std::find(c.lora.targets.begin(), c.lora.targets.end(),
                                          LoraSettings::knownTargets()[i])
                                != c.lora.targets.end());
}

} // namespace geolens
