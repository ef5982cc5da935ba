export {
  findPythonMcpClient,
  missingPythonMcpClient,
  type PythonMcpCall,
  type PythonMcpCallReport,
  type PythonMcpContent,
  type PythonMcpError,
  type PythonMcpReport,
  type PythonMcpServer,
  type PythonMcpTool,
  pythonMcpDriverPath,
  type RunPythonMcpClientOptions,
  runPythonMcpClient,
} from './python-mcp-client.js';
