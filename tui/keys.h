/*
 * keys.h - every key binding of mdtchair, in one table.
 *
 * A key resolves to a named action, never straight to code.  The table
 * below is the only place a binding is written: the same rows drive the
 * dispatch and the "?" help overlay, so the two cannot drift apart.  Each
 * row: action id, default keys (binding text: characters, or <Name> for
 * special keys, separated by spaces), the screens it works on, its name
 * and its help text.  A key may mean different things on different
 * screens ("c" is consent on the slot screen and the confidentiality
 * acknowledgement in the register).
 */
#ifndef TUI_KEYS_H
#define TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

enum tui_screen_id {
	TUI_SCREEN_AGENDA,
	TUI_SCREEN_REGISTER,
	TUI_SCREEN_SLOT,
	TUI_SCREEN_SUMMARY,
	TUI_SCREEN_SYNC,
	TUI_SCREEN_PREP,
	TUI_SCREEN_ACTIONS,
	TUI_SCREEN_PRESENT,	/* the projector's view (its own mode) */
	TUI_SCREEN_PLAN,	/* a patient's joined-up plan (L) */
	TUI_SCREEN_COUNT
};

#define TUI_ON_AGENDA	(1u << TUI_SCREEN_AGENDA)
#define TUI_ON_REGISTER	(1u << TUI_SCREEN_REGISTER)
#define TUI_ON_SLOT	(1u << TUI_SCREEN_SLOT)
#define TUI_ON_SUMMARY	(1u << TUI_SCREEN_SUMMARY)
#define TUI_ON_SYNC	(1u << TUI_SCREEN_SYNC)
#define TUI_ON_PREP	(1u << TUI_SCREEN_PREP)
#define TUI_ON_ACTIONS	(1u << TUI_SCREEN_ACTIONS)
#define TUI_ON_PRESENT	(1u << TUI_SCREEN_PRESENT)
#define TUI_ON_PLAN	(1u << TUI_SCREEN_PLAN)
#define TUI_ON_CHAIR	(TUI_ON_AGENDA | TUI_ON_SLOT)
#define TUI_ON_ALL	(TUI_ON_AGENDA | TUI_ON_REGISTER | TUI_ON_SLOT | \
			 TUI_ON_SUMMARY | TUI_ON_SYNC | TUI_ON_PREP | \
			 TUI_ON_ACTIONS | TUI_ON_PLAN)
/* The few keys the projector's view has besides the chair's: nothing
 * there changes the record. */
#define TUI_ON_EVERY	(TUI_ON_ALL | TUI_ON_PRESENT)

/* A key of every chair screen (the help lists these apart), from the
 * screens of its action. */
static inline bool
tui_on_global(unsigned on)
{
	return (on & TUI_ON_ALL) == TUI_ON_ALL;
}

#define TUI_ACTION_INFO(_) \
	/* chairing: run the clock */ \
	_(SLOT_NEXT,	"n",		TUI_ON_CHAIR,	"next", \
	  "Next slot (closes this one)") \
	_(SLOT_PAUSE,	"p",		TUI_ON_CHAIR,	"pause", \
	  "Pause / resume the clock") \
	_(SLOT_EXTEND,	"+",		TUI_ON_CHAIR,	"extend", \
	  "Extend by a minute (10 in all)") \
	_(SLOT_PARK,	"z",		TUI_ON_CHAIR,	"park", \
	  "Park at the end of agenda") \
	_(SLOT_PREV,	"b",		TUI_ON_CHAIR,	"previous", \
	  "Back to the previous slot") \
	_(PROJECTOR_BLANK, "B",		TUI_ON_CHAIR,	"blank", \
	  "Blank / restore the projector") \
	_(OPEN_SLOT,	"<Enter>",	TUI_ON_AGENDA,	"open", \
	  "Open the selected slot") \
	/* register */ \
	_(ATTEND_CYCLE,	"<Space>",	TUI_ON_REGISTER, "attendance", \
	  "Present / apologies") \
	_(ACK_TOGGLE,	"c",		TUI_ON_REGISTER, "acknowledge", \
	  "Confidentiality acknowledged") \
	_(REGISTER_ADD,	"a",		TUI_ON_REGISTER, "register-add", \
	  "Add someone on the day") \
	_(ARRIVED,	"l",		TUI_ON_REGISTER, "arrived", \
	  "Late arrival (HH:MM/now)") \
	_(LEFT,		"d",		TUI_ON_REGISTER, "left", \
	  "Left early / came back") \
	_(CHAIR_SET,	"C",		TUI_ON_REGISTER, "chair", \
	  "Chair (again: nobody)") \
	_(NOTETAKER_SET, "N",		TUI_ON_REGISTER, "note-taker", \
	  "Note-taker (again: nobody)") \
	/* slot: recording the discussion */ \
	_(CONSENT,	"c",		TUI_ON_SLOT,	"consent", \
	  "Record consent, exclusions") \
	_(NOTE,		"w",		TUI_ON_SLOT,	"note", \
	  "Write a note") \
	_(ACTION_NEW,	"a",		TUI_ON_SLOT,	"action", \
	  "New action (owner, due)") \
	_(OUTCOME,	"o",		TUI_ON_SLOT,	"outcome", \
	  "Record the outcome") \
	_(KEY_CONTACT,	"K",		TUI_ON_SLOT,	"key-contact", \
	  "Set the key contact") \
	_(ACTION_DONE,	"d",		TUI_ON_SLOT,	"action-done", \
	  "Mark action done / open") \
	_(ACTION_CANCEL, "x",		TUI_ON_SLOT,	"action-cancel", \
	  "Cancel action (asks first)") \
	_(ACTION_KEEP,	"v",		TUI_ON_SLOT,	"action-keep", \
	  "Keep open (carried fwd)") \
	_(ACTION_REASSIGN, "r",		TUI_ON_SLOT,	"action-reassign", \
	  "Reassign (owner, due)") \
	_(REASON,	"e",		TUI_ON_SLOT,	"reason", \
	  "Correct the reason") \
	_(THEMES,	"t",		TUI_ON_SLOT,	"themes", \
	  "Themes of the discussion") \
	/* the meeting: opening the console only looks; S starts it */ \
	_(MEETING_START, "S",		TUI_ON_CHAIR,	"start", \
	  "Start the meeting (asked)") \
	/* slot: corrections, the original kept */ \
	_(SLOT_FOCUS,	"<Tab>",	TUI_ON_SLOT,	"notes-actions", \
	  "Notes / actions selected") \
	_(NOTE_READ,	"<Enter>",	TUI_ON_SLOT,	"read", \
	  "Read note / action whole") \
	_(EDIT,		"E",		TUI_ON_SLOT,	"edit", \
	  "Edit note / action text") \
	_(WITHDRAW,	"W",		TUI_ON_SLOT,	"withdraw", \
	  "Withdraw, entered in error") \
	/* summary */ \
	_(CLOSE_MEETING, "C",		TUI_ON_SUMMARY,	"close-meeting", \
	  "Close the meeting") \
	/* the meeting's text, corrected (open or closed) */ \
	_(TITLE,	"T",		TUI_ON_AGENDA | TUI_ON_SUMMARY, "title", \
	  "Correct the meeting's title") \
	_(VENUE,	"V",		TUI_ON_AGENDA | TUI_ON_SUMMARY, "venue", \
	  "Correct the meeting's venue") \
	/* agenda preparation */ \
	_(PREP_TOGGLE,	"<Space>",	TUI_ON_PREP,	"select", \
	  "On / off the agenda") \
	_(PREP_DEFER,	"D",		TUI_ON_PREP,	"defer", \
	  "Defer, with a reason") \
	_(PREP_LATER,	"J",		TUI_ON_PREP,	"later", \
	  "Move later in the agenda") \
	_(PREP_EARLIER,	"K",		TUI_ON_PREP,	"earlier", \
	  "Move earlier in the agenda") \
	_(PREP_MINUTES,	"m",		TUI_ON_PREP,	"minutes", \
	  "Planned minutes") \
	_(PREP_PRESENTER, "P",		TUI_ON_PREP,	"presenter", \
	  "Who presents the patient") \
	_(PREP_FINALISE, "F",		TUI_ON_PREP,	"finalise", \
	  "Finalise the agenda") \
	_(PREP_RISING,	"r",		TUI_ON_PREP,	"rising-risk", \
	  "Rising-risk view / back") \
	_(PREP_ESCALATE, "e",		TUI_ON_PREP,	"escalate", \
	  "Escalate back (rising risk)") \
	_(PREP_DIED,	"X",		TUI_ON_PREP,	"died", \
	  "Record a death (asked)") \
	_(PREP_CONSENT,	"c",		TUI_ON_PREP,	"consent-asked", \
	  "Pre-meeting consent (asked)") \
	_(PREP_REFER,	"R",		TUI_ON_PREP,	"refer", \
	  "Raise a referral (asked)") \
	_(ADD_ON_DAY,	"A",		TUI_ON_AGENDA | TUI_ON_PREP, "add-on-day", \
	  "Add a patient on the day") \
	/* the joined-up plan, from the slot and preparation */ \
	_(PLAN,		"L",		TUI_ON_SLOT | TUI_ON_PREP | TUI_ON_PLAN, \
	  "plan", "The joined-up plan / back") \
	_(PLAN_PROBLEM,	"p",		TUI_ON_PLAN,	"plan-problem", \
	  "Add a problem (what matters)") \
	_(PLAN_GOAL,	"g",		TUI_ON_PLAN,	"plan-goal", \
	  "Add a goal, in their words") \
	_(PLAN_DO,	"i",		TUI_ON_PLAN,	"plan-intervention", \
	  "Add an intervention (action)") \
	_(PLAN_RESOLVE,	"x",		TUI_ON_PLAN,	"plan-resolve", \
	  "Resolve the item (asks why)") \
	_(PLAN_LINK,	"l",		TUI_ON_PLAN,	"plan-link", \
	  "Link intervention to action") \
	_(PLAN_REVIEW,	"R",		TUI_ON_PLAN,	"plan-review", \
	  "Set the next review") \
	_(PLAN_END,	"E",		TUI_ON_PLAN,	"plan-end", \
	  "End the plan (asks why)") \
	/* sync panel */ \
	_(SYNC_NOW,	"s",		TUI_ON_SYNC,	"sync-now", \
	  "Send to the central record now") \
	_(SYNC_RETRY,	"R",		TUI_ON_SYNC,	"retry-refused", \
	  "Queue refused / conflicting again") \
	_(SYNC_PULL,	"p",		TUI_ON_SYNC,	"pull", \
	  "Read the record back now") \
	/* each owner's actions across meetings */ \
	_(ACTIONS_DONE,	"d",		TUI_ON_ACTIONS,	"done", \
	  "Mark done / open again") \
	_(ACTIONS_CANCEL, "x",		TUI_ON_ACTIONS,	"cancel", \
	  "Cancel (asks first)") \
	_(ACTIONS_OVERDUE, "o",		TUI_ON_ACTIONS,	"overdue", \
	  "Overdue only / all") \
	_(ACTIONS_OWNER, "f",		TUI_ON_ACTIONS,	"owner", \
	  "One owner / everyone") \
	_(ACTIONS_KEEP,	"K",		TUI_ON_ACTIONS,	"keep-ours", \
	  "Conflict: keep ours (asked)") \
	_(ACTIONS_TAKE,	"R",		TUI_ON_ACTIONS,	"take-record", \
	  "Conflict: take the record's") \
	/* everywhere */ \
	_(MOVE_DOWN,	"j <Down>",	TUI_ON_ALL,	"move-down", \
	  "Move down") \
	_(MOVE_UP,	"k <Up>",	TUI_ON_ALL,	"move-up", \
	  "Move up") \
	_(PAGE_DOWN,	"<PgDn>",	TUI_ON_ALL,	"page-down", \
	  "Page down") \
	_(PAGE_UP,	"<PgUp>",	TUI_ON_ALL,	"page-up", \
	  "Page up") \
	_(GO_AGENDA,	"1",		TUI_ON_ALL,	"agenda", \
	  "Show the agenda") \
	_(GO_REGISTER,	"2",		TUI_ON_ALL,	"register", \
	  "Show the register") \
	_(GO_SLOT,	"3",		TUI_ON_ALL,	"slot", \
	  "Show the current slot") \
	_(GO_SUMMARY,	"4",		TUI_ON_ALL,	"summary", \
	  "Show the summary") \
	_(GO_SYNC,	"5",		TUI_ON_ALL,	"sync", \
	  "Show the sync panel") \
	_(GO_PREP,	"6",		TUI_ON_ALL,	"prepare", \
	  "Prepare the agenda") \
	_(GO_ACTIONS,	"7",		TUI_ON_ALL,	"actions", \
	  "Everyone's open actions") \
	_(TAKE_OVER,	"O",		TUI_ON_ALL,	"take-over", \
	  "Take over the chair (asked)") \
	_(HELP,		"?",		TUI_ON_EVERY,	"help", \
	  "Show these keys") \
	_(REDRAW,	"<C-L>",	TUI_ON_EVERY,	"redraw", \
	  "Redraw the screen") \
	_(QUIT,		"q",		TUI_ON_EVERY,	"quit", \
	  "Quit (all is saved)")

enum tui_action {
	TUI_ACT_NONE,
#define TUI_ACTION_ENUM(id, keys, screens, name, help) TUI_ACT_##id,
	TUI_ACTION_INFO(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
	TUI_ACT_COUNT
};

/* Parses the table; false (with a reason in errbuf) if a row is malformed. */
bool tui_keys_init(char *errbuf, size_t errlen);

/*
 * The action of a key on a screen: is_code for a curses function key
 * (wget_wch returned KEY_CODE_YES), else a character.  TUI_ACT_NONE if
 * the key means nothing there.
 */
enum tui_action tui_keys_lookup(enum tui_screen_id screen, bool is_code,
    wint_t key);

const char *tui_action_name(enum tui_action act);
const char *tui_action_help(enum tui_action act);
/* The keys of an action for people: "j, Down". */
const char *tui_action_keys(enum tui_action act);
unsigned tui_action_screens(enum tui_action act);

/* True for Enter in any of its forms (prompts and pickers use it too). */
bool tui_key_is_enter(bool is_code, wint_t key);
bool tui_key_is_backspace(bool is_code, wint_t key);

#endif
