// Chinese for the messages the server gives in English. The JSON API speaks
// English to programs (and its messages are tested as such); everything a
// person sees in the browser goes through here, so it says in Chinese what is
// wrong and how to fix it. One table: a new server message gets a row here.
//
// Query errors come as "column N: what"; the column is kept (the search page
// draws a caret under it), the rest is translated.

const FIELDS_HELP = '可用字段：title:（标题） heading:（小标题） year:（年份） source:（来源） category:（类别） type:（文种）';

// [pattern, (match) => Chinese]. First match wins; order from specific to general.
const QUERY = [
  [/^empty query$/, () => '查询是空的，请输入要找的词。'],
  [/^unclosed quote$/, () => '引号没有闭合：请在短语末尾补上另一个引号（" 或 ”）。'],
  [/^'\(' is not closed$/, () => '括号没有闭合：请补上对应的“)”，或删去多余的“(”。'],
  [/^'\)' has no matching '\('$/, () => '多了一个“)”：请删去它，或在前面补上“(”。'],
  [/^empty parentheses$/, () => '括号里是空的：请在括号中写上要找的词，或删去这对括号。'],
  [/^'(.+)' needs a term before it$/, (m) => `“${m[1]}”前面缺少搜索词：请在它前面写上一个词，或删去它。`],
  [/^'(.+)' needs a term after it$/, (m) => `“${m[1]}”后面缺少搜索词：请在它后面写上一个词，或删去它。`],
  [/^'-' must be followed by a term, a quoted phrase or a group$/,
    () => '减号“-”表示排除，后面要紧跟要排除的词（如 党建 -廉政）；如果要找带减号的词，请加引号。'],
  [/^"(.*)" has no searchable characters$/, (m) => `“${m[1]}”里没有可搜索的文字（只有空格或标点），请换一个词。`],
  [/^'(\w+):' needs a value$/, (m) => `“${m[1]}:”后面缺少内容，例如 ${m[1]}:条例。`],
  [/^unknown field '(.+):' \(fields: .*\)$/, (m) => `没有“${m[1]}:”这个字段。${FIELDS_HELP}；如果要找带冒号的词，请加引号。`],
  [/^bad year "(.*)" \(want .*\)$/, (m) => `年份“${m[1]}”写法不对：请写成 year:2023 或 year:2019..2023。`],
  [/^year range "(.*)" runs backwards$/, (m) => `年份范围“${m[1]}”前大后小：请把较早的年份写在前面。`],
  [/^the query has no positive term.*$/, () => '查询里只有排除词或筛选条件：请至少写一个要找的词。'],
  [/^an excluded term cannot stand alone here.*$/, () => '排除词（-词）不能单独作为“或者”的一边：请在它旁边加一个要找的词。'],
  [/^a group of only excluded terms.*$/, () => '括号里只有排除词：请在括号里加一个要找的词。'],
  [/^more than (\d+) terms$/, (m) => `搜索词太多（最多 ${m[1]} 个）：请删去一些。`],
  [/^parentheses nested deeper than (\d+)$/, (m) => `括号嵌套太深（最多 ${m[1]} 层）：请简化查询。`],
  [/^query longer than (\d+) characters$/, (m) => `查询太长（最多 ${m[1]} 个字）：请缩短。`],
  [/^invalid UTF-8$/, () => '查询里有无法识别的字符：请重新输入。'],
  [/^a term is missing at the end$/, () => '查询末尾缺少搜索词。'],
  [/^a term is expected here$/, () => '这里应当是一个搜索词。'],
];

// Whole messages (not "column N:") of the API.
const OTHER = [
  [/^q is required$/, () => '请输入要找的词。'],
  [/^q is longer than (\d+) bytes$/, () => '查询太长：请缩短。'],
  [/^year must be .*$/, () => '年份写法不对：起、止各填四位数字年份（如 2019 和 2023），可以只填一个。'],
  [/^page must be .*$/, () => '页码不对：请从第 1 页开始。'],
  [/^sort must be .*$/, () => '排序方式只能是“相关度”或“时间”。'],
  [/^unit must be .*$/, () => '结果单位只能是“文档”或“段落”。'],
  [/^format must be docx or txt$/, () => '下载格式只能是 Word（.docx）或 TXT。'],
  [/^invalid document id$/, () => '文档编号不对：请从搜索结果打开文档。'],
  [/^no such (route|file|document).*$/, () => '没有这个页面或文档：它可能已被删除，请返回搜索。'],
  [/^log in( as an administrator| first| to download)?$/, () => '请先登录。'],
  [/^administrators only$/, () => '只有管理员可以这样做。'],
  [/^missing or wrong X-CSRF-Token$/, () => '页面已过期：请刷新页面后再试。'],
  [/^method not allowed for this route$/, () => '不支持这个操作。'],
  [/^request (body|head|target) too (large|long)$/, () => '请求太大：请减少内容后再试。'],
  [/^tier must be .*$/, () => '会员等级只能是 免费用户、VIP、SVIP 或 管理员。'],
  [/^until must be a date .*$/, () => '到期日要写成 2026-12-31 这样的日期，或留空。'],
  [/^no form field "files" in the upload$/, () => '没有收到文件：请选择要上传的文件。'],
  [/^(days|count|limit|size) must be .*$/, () => '数量超出范围：请调小后再试。'],
  [/^expected \{.*\}$/, () => '请求内容不完整：请填写所有必填项。'],
  [/^title must not be empty$/, () => '标题不能为空。'],
  [/^year must be 1\.\.9999 or null$/, () => '年份应为四位数字，如 2023；不知道可留空。'],
  [/^access must be free or paid$/, () => '权限只能是“公开”或“付费”。'],
  [/^preview_share must be .*$/, () => '免费预览比例应在 5% 到 90% 之间。'],
  [/^(\w+) is longer than (\d+) bytes$/, () => '填写的内容太长：请缩短。'],
  [/^(\w+) must be a string$/, () => '填写的内容格式不对：请重新填写。'],
  [/^user "(.+)" already exists$/, (m) => `用户名“${m[1]}”已被占用：请换一个。`],
  [/^no user "(.+)"$/, (m) => `没有用户“${m[1]}”。`],
  [/^password must be at least 8 bytes$/, () => '密码至少 8 位：请设一个更长的密码。'],
  [/^password must be at most 1024 bytes$/, () => '密码太长：最多 1024 位。'],
  [/^username must be 1\.\.64 bytes$/, () => '用户名应为 1 到 64 个字符。'],
  [/^username may hold .*$/, () => '用户名只能包含字母、数字、汉字和 _ - . @。'],
];

function translate(table, text) {
  for (const [re, f] of table) {
    const m = re.exec(text);
    if (m) return f(m);
  }
  return null;
}

// True when the text has no CJK characters at all (then it is for programs).
function isEnglish(text) {
  return !/[\u3400-\u9fff]/.test(text);
}

// "column 5: '(' is not closed" -> { column: 5, text: '第 5 个字处：括号没有闭合…' }.
export function queryError(message) {
  const m = /^column (\d+): (.*)$/s.exec(message || '');
  if (!m) return { column: 0, text: chinese(message) };
  const column = parseInt(m[1], 10);
  const what = translate(QUERY, m[2]) || translate(OTHER, m[2]) || `查询有误（${m[2]}）。`;
  return { column, text: `第 ${column} 个字处：${what}` };
}

// Any server message in Chinese: translated when known; a Chinese message as is;
// an unknown English one behind a Chinese lead, so the detail is not lost.
export function chinese(message) {
  const text = String(message || '');
  if (!text) return '';
  if (/^column \d+: /.test(text)) return queryError(text).text;
  const t = translate(OTHER, text) || translate(QUERY, text);
  if (t) return t;
  return isEnglish(text) ? `出错了（${text}），请稍后再试或联系管理员。` : text;
}
