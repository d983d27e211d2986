#include "ChatPanel.h"

#include "NoModelGuide.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedLayout>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace geolens {

ChatPanel::ChatPanel(QWidget *parent)
    : QWidget(parent), context_(new QLabel(this)), transcript_(new QTextBrowser(this)), question_(new QLineEdit(this)),
      send_(new QPushButton(this)), stop_(new QPushButton(this)), copy_(new QPushButton(this)), clear_(new QPushButton(this)),
      guide_(new NoModelGuide(this)), conversation_(new QWidget(this)), pages_(new QStackedLayout(this))
{
    pages_->addWidget(guide_);
    pages_->addWidget(conversation_);
    connect(guide_, &NoModelGuide::loadModelRequested, this, &ChatPanel::loadModelRequested);
    auto *layout = new QVBoxLayout(conversation_);
    context_->setWordWrap(true);
    layout->addWidget(context_);
    layout->addWidget(transcript_, 1);
    layout->addWidget(question_);
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {send_, stop_, copy_, clear_})
        buttons->addWidget(b);
    layout->addLayout(buttons);
    connect(question_, &QLineEdit::returnPressed, this, &ChatPanel::send);
    connect(send_, &QPushButton::clicked, this, &ChatPanel::send);
    connect(stop_, &QPushButton::clicked, this, &ChatPanel::stopRequested);
    connect(copy_, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(transcript()); });
    connect(clear_, &QPushButton::clicked, this, [this] {
        clear();
        emit cleared();
    });
    retranslate();
    setBusy(false);
}

void ChatPanel::setModelLoaded(bool loaded)
{
    pages_->setCurrentWidget(loaded ? conversation_ : static_cast<QWidget *>(guide_));
}

bool ChatPanel::showsGuide() const
{
    return pages_->currentWidget() == guide_;
}

void ChatPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void ChatPanel::retranslate()
{
    question_->setPlaceholderText(tr("Ask about the selected tile or the view..."));
    send_->setText(tr("Send"));
    send_->setToolTip(tr("Ask the question (Enter)"));
    stop_->setText(tr("Stop"));
    stop_->setToolTip(tr("Stop the answer; what was written so far is kept"));
    copy_->setText(tr("Copy"));
    copy_->setToolTip(tr("Copy the conversation as text"));
    clear_->setText(tr("Clear"));
    clear_->setToolTip(tr("Start a new conversation"));
    showSubject();
    render();
}

void ChatPanel::setSubject(int tileId)
{
    subject_ = tileId;
    showSubject();
}

void ChatPanel::showSubject()
{
    if (!subject_)
        context_->setText(tr("Select a tile, or ask about the current view."));
    else if (*subject_ == CurrentView)
        context_->setText(tr("About the current view"));
    else
        context_->setText(tr("About tile #%1").arg(*subject_));
}

void ChatPanel::render()
{
    QString html;
    for (const Turn &turn : turns_) {
        html += QStringLiteral("<p><b>%1</b> %2</p>").arg(tr("You:"), turn.question.toHtmlEscaped());
        QString text = turn.answer.isEmpty() && !turn.finished ? QStringLiteral("...") : turn.answer.toHtmlEscaped();
        if (turn.cancelled)
            text += QStringLiteral(" <i>(%1)</i>").arg(tr("stopped"));
        if (!turn.note.isEmpty())
            text += QStringLiteral("<br><i>%1</i>").arg(turn.note.toHtmlEscaped());
        html += QStringLiteral("<p><b>%1</b> %2</p>").arg(tr("GeoLens:"), text);
    }
    transcript_->setHtml(html);
    transcript_->verticalScrollBar()->setValue(transcript_->verticalScrollBar()->maximum());
}

void ChatPanel::addQuestion(const QString &question)
{
    turns_.push_back(Turn{question, {}, false, false, {}});
    render();
}

void ChatPanel::beginAnswer()
{
    if (turns_.empty() || turns_.back().finished)
        turns_.push_back(Turn{});
    turns_.back().answer.clear();
    render();
}

void ChatPanel::appendToAnswer(const QString &piece)
{
    if (turns_.empty())
        return;
    turns_.back().answer += piece;
    render();
}

void ChatPanel::endAnswer(bool cancelled, const QString &note)
{
    if (turns_.empty())
        return;
    Turn &turn = turns_.back();
    turn.finished = true;
    turn.cancelled = cancelled;
    turn.note = note;
    render();
}

void ChatPanel::setBusy(bool busy)
{
    busy_ = busy;
    send_->setEnabled(!busy && ready_);
    question_->setEnabled(!busy && ready_);
    stop_->setEnabled(busy);
}

void ChatPanel::setReady(bool ready)
{
    ready_ = ready;
    setBusy(busy_);
}

QString ChatPanel::transcript() const
{
    return transcript_->toPlainText();
}

void ChatPanel::clear()
{
    turns_.clear();
    transcript_->clear();
}

void ChatPanel::send()
{
    const QString q = question_->text().trimmed();
    if (q.isEmpty() || busy_ || !ready_)
        return;
    question_->clear();
    emit questionAsked(q);
}

} // namespace geolens
